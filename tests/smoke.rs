mod common;

use std::sync::Arc;

use zstdpool::MemoryProvider;

#[test]
fn round_trip_without_training() {
    let mut config = common::config(2);
    config.training.enabled = false;
    let files: Vec<_> = (0..50)
        .map(|i| {
            (
                format!("f{i}"),
                Some(format!("c{}", i % 3)),
                format!("line {i} hello world\n").repeat(i + 1).into_bytes(),
            )
        })
        .collect();
    let provider = Arc::new(MemoryProvider::new());
    let frames = common::compress_all(config.clone(), provider.clone(), &files);
    let back: Vec<_> = files
        .iter()
        .map(|(n, c, _)| (n.clone(), c.clone(), frames[n].clone()))
        .collect();
    let restored = common::decompress_all(config, provider, &back);
    for (n, _, d) in &files {
        assert_eq!(&restored[n], d);
    }
}
