//! End-to-end tests of the capture stage: bytes in, classified lines out.
