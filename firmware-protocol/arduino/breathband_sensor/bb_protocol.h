// breathband wire protocol v1, device side (see firmware-protocol/PROTOCOL.md).
//
// Frame on the wire: COBS(type seq body crc16le) 0x00, CRC-16/IBM-3740.
// Portable C++11: no Arduino headers, no heap, no exceptions, no STL. Builds
// with g++ on a PC (host test in ../test) and with avr-g++ in the Arduino IDE.
// Note for AVR: int is 16 bits there, so every shift below widens first.
#ifndef BB_PROTOCOL_H
#define BB_PROTOCOL_H

#include <stdint.h>
#include <string.h>

const uint8_t BB_PROTOCOL_VERSION = 1;
const uint16_t BB_MAX_PAYLOAD = 252;  // type + seq + body + crc
const uint16_t BB_MAX_FRAME = 256;    // encoded frame including the 0x00
const uint8_t BB_MAX_PAIRS = 60;      // sample pairs per Samples frame
const uint16_t BB_RATE_MIN_HZ = 50;
const uint16_t BB_RATE_MAX_HZ = 1000;

// Message types. Bit 7 set = host-to-device command.
enum BbType {
  BB_INFO = 0x01,
  BB_SAMPLES = 0x02,
  BB_HEARTBEAT = 0x03,
  BB_ACK = 0x04,
  BB_NACK = 0x05,
  BB_GET_INFO = 0x81,
  BB_START = 0x82,
  BB_STOP = 0x83,
  BB_SET_RATE = 0x84,
  BB_PING = 0x85
};

// Nack codes.
enum BbNackCode {
  BB_NACK_UNKNOWN_COMMAND = 1,
  BB_NACK_BAD_ARGUMENT = 2,
  BB_NACK_BUSY = 3,
  BB_NACK_MALFORMED = 4
};

// Samples flags.
const uint8_t BB_FLAG_CHEST_CLIPPED = 0x01;
const uint8_t BB_FLAG_BELLY_CLIPPED = 0x02;
const uint8_t BB_FLAG_OVERRUN = 0x04;
const uint8_t BB_FLAG_CHEST_DISCONNECTED = 0x08;
const uint8_t BB_FLAG_BELLY_DISCONNECTED = 0x10;

// Status bits (Info and Heartbeat).
const uint8_t BB_STATUS_STREAMING = 0x01;

// CRC-16/IBM-3740 (CCITT-FALSE): poly 0x1021, init 0xFFFF, no reflection.
uint16_t bb_crc16(const uint8_t* data, size_t len);

// COBS-encodes len bytes into out (no 0x00 delimiter is appended).
// out must hold len + len / 254 + 1 bytes. Returns the encoded length.
size_t bb_cobs_encode(const uint8_t* in, size_t len, uint8_t* out);

// ---- Builders: device-to-host messages as complete wire frames ----------
// Each writes COBS(payload) 0x00 into out (cap bytes; BB_MAX_FRAME is always
// enough) and returns the frame length, or 0 if out is too small or an
// argument is invalid (bad pair count, label too long or not printable ASCII).

struct BbChannel {
  const char* name;  // up to 16 printable ASCII characters, e.g. "chest"
  const char* unit;  // up to 8, e.g. "raw" or "mV"
  float scale;       // units per count
  float offset;      // value = count * scale + offset
  uint16_t full_scale;
};

struct BbInfo {
  uint8_t firmware_version[3];  // major, minor, patch
  uint16_t sample_rate_hz;
  uint8_t status;  // BB_STATUS_*
  uint8_t device_id[8];
  BbChannel channels[2];  // 0 = chest, 1 = belly
};

size_t bb_build_info(uint8_t* out, size_t cap, uint8_t seq, const BbInfo& info);
size_t bb_build_samples(uint8_t* out, size_t cap, uint8_t seq, uint32_t first_index,
                        uint8_t flags, const uint16_t (*pairs)[2], uint8_t count);
size_t bb_build_heartbeat(uint8_t* out, size_t cap, uint8_t seq, uint32_t uptime_ms,
                          uint32_t next_index, uint8_t status, uint16_t overruns);
size_t bb_build_ack(uint8_t* out, size_t cap, uint8_t seq, uint8_t command);
size_t bb_build_nack(uint8_t* out, size_t cap, uint8_t seq, uint8_t command, uint8_t code);

// ---- Decoder: host commands, one byte at a time --------------------------

enum BbEventKind {
  BB_EV_NONE = 0,         // no frame completed (or an empty frame: padding)
  BB_EV_COMMAND,          // a valid command: type, seq and its argument are set
  BB_EV_NOT_COMMAND,      // a valid device-to-host message (e.g. an echo): ignore
  BB_EV_ERR_COBS,         // invalid COBS
  BB_EV_ERR_CRC,          // CRC mismatch
  BB_EV_ERR_UNKNOWN_TYPE, // CRC ok, type byte not in this protocol version
  BB_EV_ERR_BAD_BODY,     // body length/contents wrong for the type, or payload < 4 bytes
  BB_EV_ERR_OVERLONG      // more than BB_MAX_FRAME - 1 bytes without a 0x00
};

struct BbEvent {
  uint8_t kind;      // BbEventKind
  uint8_t type;      // type byte; for errors only meaningful when crc_ok
  uint8_t seq;       // seq byte; likewise
  bool crc_ok;       // frame passed its CRC: a command type (bit 7) must be answered
  uint16_t rate_hz;  // SetRate argument
  uint32_t nonce;    // Ping argument
  uint32_t bytes;    // wire bytes of the frame including its 0x00 (all dropped on errors)
};

struct BbStats {
  uint32_t frames;      // frames that passed CRC and parsed (commands or not)
  uint32_t crc_errors;
  uint32_t malformed;   // COBS, unknown type, bad body
  uint32_t overlong;
  uint32_t bytes_dropped;
};

class BbDecoder {
 public:
  BbDecoder() { reset(); }
  // Feeds one byte. Returns ev.kind; ev is filled whenever it is not BB_EV_NONE.
  uint8_t feed(uint8_t byte, BbEvent& ev);
  // Forgets a partial frame and zeroes the counters.
  void reset();
  const BbStats& stats() const { return stats_; }

 private:
  uint8_t finish(BbEvent& ev);
  uint8_t buf_[BB_MAX_FRAME];
  uint16_t len_;
  uint32_t skipping_;  // bytes skipped since the buffer overflowed (0 = not skipping)
  BbStats stats_;
};

#endif  // BB_PROTOCOL_H
