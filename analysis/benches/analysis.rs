//! Analysis time of synthetic models of 1,000 and 10,000 elements (target: 10k under 50 ms).

use analysis::{analyze, synth::synthetic_model, Options};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze");
    group.sample_size(20);
    for n in [1_000, 10_000] {
        let model = synthetic_model(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &model, |b, m| {
            b.iter(|| analyze(black_box(m), &Options::default()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
