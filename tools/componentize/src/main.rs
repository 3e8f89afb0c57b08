//! `componentize IN OUT`: wraps a core WebAssembly module that carries
//! wit-bindgen's `component-type` custom section into a component.
//!
//! The component build (`make component`) links the core module with the
//! default linker, shrinks it with binaryen's `wasm-opt`, then calls this
//! tool: the toolchain's `wasm-component-ld` would componentize before any
//! optimiser could see the module. The encoder is `wit-component`, the one
//! `wasm-component-ld` uses, with validation on. The module must not import
//! anything (the component has zero imports; `make test-component` checks it).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: componentize <core-module.wasm> <component.wasm>");
        return ExitCode::from(2);
    };
    match run(input, output) {
        Ok(len) => {
            eprintln!("componentize: {output} ({len} bytes)");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("componentize: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Reads `input`, encodes the component with validation, writes `output`;
/// returns its length.
fn run(input: &str, output: &str) -> Result<usize, String> {
    let module = std::fs::read(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let component = wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&module)
        .map_err(|e| format!("{input} is not a module with a component-type section: {e:#}"))?
        .encode()
        .map_err(|e| format!("cannot encode the component: {e:#}"))?;
    std::fs::write(output, &component).map_err(|e| format!("cannot write {output}: {e}"))?;
    Ok(component.len())
}
