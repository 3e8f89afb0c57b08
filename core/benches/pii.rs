//! Criterion benchmarks of the PII engine on typical x402 metadata triples
//! (resource URL, description, reason).
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use presidio_x402_core::pii::{redact, scan, PiiConfig};

const CLEAN: [&str; 3] = [
    "https://api.weatherdata.io/v1/forecast?lat=52.52&lon=13.40&days=7",
    "7-day weather forecast API access (premium tier)",
    "Agent purchase: forecast for logistics planning",
];
const DIRTY: [&str; 3] = [
    "https://api.clinic.example/patients/jane-doe/records?email=jane.doe%40example.com",
    "Lab results for Jane Doe, DOB on file, call (415) 555-2671",
    "Requested by requester=Oluwaseun Adeyemi from Lagos",
];
const EVASIVE: [&str; 3] = [
    "https://api.example.com/u/alice%2540example.com?q=YWxpY2VAZXhhbXBsZS5jb20",
    "card ４１１１ １１１１ １１１１ １１１１ for аlice\u{200b}@example.com",
    "SSN 123\u{2013}45\u{2013}6789 &#64; home",
];

fn triple(c: &mut Criterion, name: &str, t: [&str; 3]) {
    let cfg = PiiConfig::default();
    c.bench_function(&format!("pii/scan/{name}"), |b| {
        b.iter(|| {
            for s in t {
                black_box(scan(black_box(s), &cfg).unwrap());
            }
        })
    });
    c.bench_function(&format!("pii/redact/{name}"), |b| {
        b.iter(|| {
            for s in t {
                black_box(redact(black_box(s), &cfg).unwrap());
            }
        })
    });
}

fn benches(c: &mut Criterion) {
    triple(c, "clean", CLEAN);
    triple(c, "dirty", DIRTY);
    triple(c, "evasive", EVASIVE);
}

criterion_group!(all, benches);
criterion_main!(all);
