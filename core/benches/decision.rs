//! Criterion benchmarks of the core's decision functions.
use criterion::{criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    c.bench_function("noop", |b| b.iter(|| 1 + 1));
}

criterion_group!(all, benches);
criterion_main!(all);
