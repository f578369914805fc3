//! Tests that need more than a command line and its output: files written or left alone.
