//! Writes EVTX files. (Being built.)
