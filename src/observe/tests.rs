use super::*;

/// A long capture keeps a row per state change: its size is the peak memory.
#[test]
fn an_observation_stays_small() {
    assert!(std::mem::size_of::<Observation>() <= 224);
}
