//! Integration tests: they run the real binary on real files.
