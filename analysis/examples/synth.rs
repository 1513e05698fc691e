//! Prints a synthetic `rampart/1` model of N elements (default 1000), shaped like the
//! reference architecture with some controls missing:
//! `cargo run -p analysis --release --example synth -- 10000 > model.json`.

fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let model = analysis::synth::synthetic_model(n);
    match serde_json::to_string_pretty(&model) {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("synth: {e}");
            std::process::exit(1);
        }
    }
}
