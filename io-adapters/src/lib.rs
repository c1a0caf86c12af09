//! std::io and async adapters for kusto-frames.
