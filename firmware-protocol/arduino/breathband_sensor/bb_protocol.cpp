// breathband wire protocol v1, device side. See bb_protocol.h and PROTOCOL.md.
#include "bb_protocol.h"

namespace {

// One byte of CRC-16/IBM-3740: MSB first, polynomial 0x1021.
uint16_t crc_step(uint16_t crc, uint8_t b) {
  crc ^= (uint16_t)((uint16_t)b << 8);
  for (uint8_t bit = 0; bit < 8; bit++) {
    crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
  }
  return crc;
}

// COBS encoder that takes one byte at a time and writes into a bounded buffer.
// A block is closed when a 0x00 comes in, and a full block (code 0xFF, 254
// data bytes) only when the next byte arrives, so the output is canonical COBS
// (no trailing empty block), as the Rust `cobs` crate produces.
struct CobsOut {
  uint8_t* out;
  size_t cap;
  size_t len;
  size_t code_pos;  // where the current block's code byte goes
  uint8_t code;     // 1 + data bytes in the current block
  bool ok;          // false once out was too small

  CobsOut(uint8_t* o, size_t c) : out(o), cap(c), len(0), code_pos(0), code(1), ok(true) {
    open_block();
  }
  void open_block() {
    code_pos = len;
    code = 1;
    emit_raw(0);  // placeholder for the code byte
  }
  void close_block() {
    if (ok) out[code_pos] = code;
  }
  void emit_raw(uint8_t b) {
    if (len < cap) out[len++] = b;
    else ok = false;
  }
  void put(uint8_t b) {
    if (code == 0xFF) {  // previous block is full: start a new one
      close_block();
      open_block();
    }
    if (b == 0) {
      close_block();
      open_block();
    } else {
      emit_raw(b);
      code++;
    }
  }
  // Closes the last block; returns the encoded length, 0 if it did not fit.
  size_t finish() {
    close_block();
    return ok ? len : 0;
  }
};

// Builds one frame: payload bytes go through the CRC and COBS as they come.
struct FrameOut {
  CobsOut cobs;
  uint16_t crc;
  size_t payload_len;

  FrameOut(uint8_t* out, size_t cap, uint8_t type, uint8_t seq)
      : cobs(out, cap), crc(0xFFFF), payload_len(0) {
    u8(type);
    u8(seq);
  }
  void u8(uint8_t b) {
    crc = crc_step(crc, b);
    cobs.put(b);
    payload_len++;
  }
  void u16(uint16_t v) {
    u8((uint8_t)v);
    u8((uint8_t)(v >> 8));
  }
  void u32(uint32_t v) {
    for (uint8_t i = 0; i < 4; i++) u8((uint8_t)(v >> (8 * i)));
  }
  void f32(float f) {
    static_assert(sizeof(float) == 4, "IEEE-754 binary32 float expected");
    uint32_t bits;
    memcpy(&bits, &f, 4);
    u32(bits);
  }
  // Length-prefixed printable ASCII; returns false if too long or not ASCII.
  bool label(const char* s, uint8_t max) {
    size_t n = s ? strlen(s) : 0;
    if (n > max) return false;
    u8((uint8_t)n);
    for (size_t i = 0; i < n; i++) {
      uint8_t c = (uint8_t)s[i];
      if (c < 0x20 || c > 0x7E) return false;
      u8(c);
    }
    return true;
  }
  // Appends the CRC (little-endian) and the 0x00 delimiter; returns the frame length or 0.
  size_t finish() {
    uint16_t c = crc;
    cobs.put((uint8_t)c);
    cobs.put((uint8_t)(c >> 8));
    if (payload_len + 2 > BB_MAX_PAYLOAD) return 0;
    size_t n = cobs.finish();
    if (n == 0 || n >= cobs.cap) return 0;
    cobs.out[n] = 0;
    return n + 1;
  }
};

uint16_t get_u16(const uint8_t* p) { return (uint16_t)(p[0] | ((uint16_t)p[1] << 8)); }

uint32_t get_u32(const uint8_t* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

// Decodes COBS in place (output never overtakes input). Returns the decoded
// length, or -1 if a code byte points past the end of the frame.
int cobs_decode_in_place(uint8_t* p, uint16_t n) {
  uint16_t r = 0, w = 0;
  while (r < n) {
    uint8_t code = p[r];  // never 0: frames are split at 0x00
    if ((uint16_t)(r + code) > n) return -1;
    r++;
    for (uint8_t i = 1; i < code; i++) p[w++] = p[r++];
    if (code != 0xFF && r < n) p[w++] = 0;  // implied zero between blocks
  }
  return (int)w;
}

// Checks a length-prefixed ASCII label at b[pos], advancing pos past it.
bool label_ok(const uint8_t* b, size_t len, size_t& pos, uint8_t max) {
  if (pos >= len) return false;
  uint8_t n = b[pos++];
  if (n > max || len - pos < n) return false;
  for (uint8_t i = 0; i < n; i++) {
    if (b[pos + i] < 0x20 || b[pos + i] > 0x7E) return false;
  }
  pos += n;
  return true;
}

// Info body: version, fw[3], rate, status, id[8], channel_count = 2, two channels.
bool info_ok(const uint8_t* b, size_t len) {
  if (len < 16 || b[15] != 2) return false;
  size_t pos = 16;
  for (uint8_t ch = 0; ch < 2; ch++) {
    if (!label_ok(b, len, pos, 16) || !label_ok(b, len, pos, 8)) return false;
    if (len - pos < 10) return false;  // scale, offset, full_scale
    pos += 10;
  }
  return pos == len;
}

// Parses a COBS-decoded payload into ev; returns the event kind.
uint8_t parse_payload(const uint8_t* p, size_t n, BbEvent& ev) {
  if (n < 4) return BB_EV_ERR_BAD_BODY;  // no room for type, seq and crc
  if (bb_crc16(p, n - 2) != get_u16(p + n - 2)) return BB_EV_ERR_CRC;
  ev.crc_ok = true;
  ev.type = p[0];
  ev.seq = p[1];
  const uint8_t* b = p + 2;
  size_t len = n - 4;
  bool ok;
  switch (p[0]) {
    case BB_GET_INFO:
    case BB_START:
    case BB_STOP:
      return len == 0 ? BB_EV_COMMAND : BB_EV_ERR_BAD_BODY;
    case BB_SET_RATE:
      if (len != 2) return BB_EV_ERR_BAD_BODY;
      ev.rate_hz = get_u16(b);
      return BB_EV_COMMAND;
    case BB_PING:
      if (len != 4) return BB_EV_ERR_BAD_BODY;
      ev.nonce = get_u32(b);
      return BB_EV_COMMAND;
    // Device-to-host types are checked too, so a device can tell an echo or a
    // crossed wire from garbage; it acts on none of them.
    case BB_INFO: ok = info_ok(b, len); break;
    case BB_SAMPLES:
      ok = len >= 6 && b[5] >= 1 && b[5] <= BB_MAX_PAIRS && len == 6 + 4 * (size_t)b[5];
      break;
    case BB_HEARTBEAT: ok = len == 11; break;
    case BB_ACK: ok = len == 1; break;
    case BB_NACK: ok = len == 2; break;
    default: return BB_EV_ERR_UNKNOWN_TYPE;
  }
  return ok ? BB_EV_NOT_COMMAND : BB_EV_ERR_BAD_BODY;
}

}  // namespace

uint16_t bb_crc16(const uint8_t* data, size_t len) {
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < len; i++) crc = crc_step(crc, data[i]);
  return crc;
}

size_t bb_cobs_encode(const uint8_t* in, size_t len, uint8_t* out) {
  CobsOut c(out, (size_t)-1);
  for (size_t i = 0; i < len; i++) c.put(in[i]);
  return c.finish();
}

size_t bb_build_info(uint8_t* out, size_t cap, uint8_t seq, const BbInfo& info) {
  FrameOut f(out, cap, BB_INFO, seq);
  f.u8(BB_PROTOCOL_VERSION);
  for (uint8_t i = 0; i < 3; i++) f.u8(info.firmware_version[i]);
  f.u16(info.sample_rate_hz);
  f.u8(info.status);
  for (uint8_t i = 0; i < 8; i++) f.u8(info.device_id[i]);
  f.u8(2);  // channel_count
  for (uint8_t i = 0; i < 2; i++) {
    const BbChannel& c = info.channels[i];
    if (!f.label(c.name, 16) || !f.label(c.unit, 8)) return 0;
    f.f32(c.scale);
    f.f32(c.offset);
    f.u16(c.full_scale);
  }
  return f.finish();
}

size_t bb_build_samples(uint8_t* out, size_t cap, uint8_t seq, uint32_t first_index,
                        uint8_t flags, const uint16_t (*pairs)[2], uint8_t count) {
  if (count < 1 || count > BB_MAX_PAIRS) return 0;
  FrameOut f(out, cap, BB_SAMPLES, seq);
  f.u32(first_index);
  f.u8(flags);
  f.u8(count);
  for (uint8_t i = 0; i < count; i++) {
    f.u16(pairs[i][0]);
    f.u16(pairs[i][1]);
  }
  return f.finish();
}

size_t bb_build_heartbeat(uint8_t* out, size_t cap, uint8_t seq, uint32_t uptime_ms,
                          uint32_t next_index, uint8_t status, uint16_t overruns) {
  FrameOut f(out, cap, BB_HEARTBEAT, seq);
  f.u32(uptime_ms);
  f.u32(next_index);
  f.u8(status);
  f.u16(overruns);
  return f.finish();
}

size_t bb_build_ack(uint8_t* out, size_t cap, uint8_t seq, uint8_t command) {
  FrameOut f(out, cap, BB_ACK, seq);
  f.u8(command);
  return f.finish();
}

size_t bb_build_nack(uint8_t* out, size_t cap, uint8_t seq, uint8_t command, uint8_t code) {
  FrameOut f(out, cap, BB_NACK, seq);
  f.u8(command);
  f.u8(code);
  return f.finish();
}

void BbDecoder::reset() {
  len_ = 0;
  skipping_ = 0;
  memset(&stats_, 0, sizeof stats_);
}

uint8_t BbDecoder::feed(uint8_t byte, BbEvent& ev) {
  if (byte == 0) return finish(ev);
  if (skipping_ > 0) {
    if (skipping_ < 0xFFFFFFFFu) skipping_++;  // saturate on endless garbage
  } else if (len_ >= BB_MAX_FRAME - 1) {
    skipping_ = (uint32_t)len_ + 1;  // a frame is at most 255 bytes + 0x00
    len_ = 0;
  } else {
    buf_[len_++] = byte;
  }
  return BB_EV_NONE;
}

uint8_t BbDecoder::finish(BbEvent& ev) {
  memset(&ev, 0, sizeof ev);
  if (skipping_ > 0) {
    ev.kind = BB_EV_ERR_OVERLONG;
    ev.bytes = skipping_ + 1;
    skipping_ = 0;
    stats_.overlong++;
    stats_.bytes_dropped += ev.bytes;
    return ev.kind;
  }
  if (len_ == 0) return BB_EV_NONE;  // empty frame: padding
  uint16_t n = len_;
  len_ = 0;
  ev.bytes = (uint32_t)n + 1;
  int m = cobs_decode_in_place(buf_, n);
  ev.kind = m < 0 ? (uint8_t)BB_EV_ERR_COBS : parse_payload(buf_, (size_t)m, ev);
  if (ev.kind == BB_EV_COMMAND || ev.kind == BB_EV_NOT_COMMAND) {
    stats_.frames++;
  } else {
    if (ev.kind == BB_EV_ERR_CRC) stats_.crc_errors++;
    else stats_.malformed++;
    stats_.bytes_dropped += ev.bytes;
  }
  return ev.kind;
}
