//! Runs every golden vector in `../vectors/` through
//! [`presidio_x402_core::facade::call`]; the files' shape and the matching
//! rule are in `support/vector_files.rs`, shared with the component and the
//! sidecar.

#[path = "support/vector_files.rs"]
mod vector_files;

use presidio_x402_core::facade;
use std::path::Path;

#[test]
fn every_vector_file_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let passed = vector_files::run_all(&dir, facade::OPERATIONS, "native core", |op, input| {
        facade::call(op, input).map_err(|c| c.as_str().to_string())
    });
    println!(
        "{} vectors in {} files passed",
        passed.vectors, passed.files
    );
}
