//! BITalino (r)evolution, a biosignal board with PZT respiration sensors,
//! as a source: its serial protocol ([`codec`]), the board on a serial port
//! ([`source`]) and a virtual board behind a pseudo-terminal
//! ([`virtual_board`]).

pub mod codec;
pub mod source;
#[cfg(unix)]
pub mod virtual_board;
