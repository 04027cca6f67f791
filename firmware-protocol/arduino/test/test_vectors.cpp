// Host test of bb_protocol.{h,cpp} against the shared golden vectors
// (firmware-protocol/vectors/frames.tsv). Usage: test_vectors PATH/frames.tsv
// Last line printed is always "N passed, M failed"; exit status is non-zero
// if anything failed, the file is missing, or it holds no vectors.
#include "bb_protocol.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

typedef std::vector<uint8_t> Bytes;
typedef std::map<std::string, std::string> Fields;

int g_passed = 0;
int g_failed = 0;

void pass(const std::string& name) {
  g_passed++;
  std::printf("ok   %s\n", name.c_str());
}

void fail(const std::string& name, const std::string& why) {
  g_failed++;
  std::printf("FAIL %s: %s\n", name.c_str(), why.c_str());
}

std::string hex(const uint8_t* b, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; i++) {
    s += digits[b[i] >> 4];
    s += digits[b[i] & 15];
  }
  return s;
}

std::string hex(const Bytes& b) { return hex(b.data(), b.size()); }

bool unhex(const std::string& s, Bytes& out) {
  if (s.size() % 2) return false;
  out.clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    char* end = 0;
    std::string byte = s.substr(i, 2);
    long v = std::strtol(byte.c_str(), &end, 16);
    if (*end != '\0') return false;
    out.push_back((uint8_t)v);
  }
  return true;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) parts.push_back(cur);
  if (!s.empty() && s[s.size() - 1] == sep) parts.push_back("");
  return parts;
}

// Thrown by the field helpers when a vector line cannot be parsed.
struct BadField {
  std::string what;
};

unsigned long long num(const Fields& f, const std::string& key) {
  Fields::const_iterator it = f.find(key);
  if (it == f.end()) throw BadField{"missing field " + key};
  char* end = 0;
  unsigned long long v = std::strtoull(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0') throw BadField{"bad number in " + key};
  return v;
}

const std::string& str(const Fields& f, const std::string& key) {
  Fields::const_iterator it = f.find(key);
  if (it == f.end()) throw BadField{"missing field " + key};
  return it->second;
}

// "name/unit/scale/offset/full_scale"; the strings live in `store`.
BbChannel channel(const std::string& s, std::vector<std::string>& store) {
  std::vector<std::string> p = split(s, '/');
  if (p.size() != 5) throw BadField{"bad channel " + s};
  store.push_back(p[0]);
  store.push_back(p[1]);
  BbChannel c;
  c.name = 0;  // filled by the caller once `store` has stopped growing
  c.unit = 0;
  c.scale = std::strtof(p[2].c_str(), 0);
  c.offset = std::strtof(p[3].c_str(), 0);
  c.full_scale = (uint16_t)std::strtoul(p[4].c_str(), 0, 10);
  return c;
}

// Builds a device-to-host frame from its fields with the bb_build_* functions.
Bytes build(const Fields& f) {
  uint8_t out[BB_MAX_FRAME];
  size_t n = 0;
  const std::string& type = str(f, "type");
  uint8_t seq = (uint8_t)num(f, "seq");
  if (type == "info") {
    if (num(f, "proto") != BB_PROTOCOL_VERSION) throw BadField{"proto is not 1"};
    BbInfo info;
    std::vector<std::string> fw = split(str(f, "fw"), '.');
    if (fw.size() != 3) throw BadField{"bad fw"};
    for (int i = 0; i < 3; i++) info.firmware_version[i] = (uint8_t)std::atoi(fw[i].c_str());
    info.sample_rate_hz = (uint16_t)num(f, "rate");
    info.status = (uint8_t)num(f, "status");
    Bytes id;
    if (!unhex(str(f, "id"), id) || id.size() != 8) throw BadField{"bad id"};
    for (int i = 0; i < 8; i++) info.device_id[i] = id[i];
    std::vector<std::string> labels;
    labels.reserve(4);
    info.channels[0] = channel(str(f, "ch0"), labels);
    info.channels[1] = channel(str(f, "ch1"), labels);
    for (int i = 0; i < 2; i++) {
      info.channels[i].name = labels[2 * i].c_str();
      info.channels[i].unit = labels[2 * i + 1].c_str();
    }
    n = bb_build_info(out, sizeof out, seq, info);
  } else if (type == "samples") {
    std::vector<std::string> ps = split(str(f, "pairs"), ',');
    std::vector<uint16_t> flat;
    for (size_t i = 0; i < ps.size(); i++) {
      std::vector<std::string> cb = split(ps[i], ':');
      if (cb.size() != 2) throw BadField{"bad pair " + ps[i]};
      flat.push_back((uint16_t)std::strtoul(cb[0].c_str(), 0, 10));
      flat.push_back((uint16_t)std::strtoul(cb[1].c_str(), 0, 10));
    }
    uint16_t pairs[BB_MAX_PAIRS][2];
    size_t count = flat.size() / 2;
    if (count > BB_MAX_PAIRS) throw BadField{"too many pairs"};
    for (size_t i = 0; i < count; i++) {
      pairs[i][0] = flat[2 * i];
      pairs[i][1] = flat[2 * i + 1];
    }
    n = bb_build_samples(out, sizeof out, seq, (uint32_t)num(f, "first"), (uint8_t)num(f, "flags"),
                         pairs, (uint8_t)count);
  } else if (type == "heartbeat") {
    n = bb_build_heartbeat(out, sizeof out, seq, (uint32_t)num(f, "uptime"),
                           (uint32_t)num(f, "next"), (uint8_t)num(f, "status"),
                           (uint16_t)num(f, "overruns"));
  } else if (type == "ack") {
    n = bb_build_ack(out, sizeof out, seq, (uint8_t)num(f, "cmd"));
  } else if (type == "nack") {
    n = bb_build_nack(out, sizeof out, seq, (uint8_t)num(f, "cmd"), (uint8_t)num(f, "code"));
  } else {
    throw BadField{"not a device-to-host type: " + type};
  }
  return Bytes(out, out + n);
}

// Host command fields as a BbEvent (kind, type, seq, argument).
BbEvent expected_command(const Fields& f) {
  BbEvent e = BbEvent();
  e.kind = BB_EV_COMMAND;
  e.crc_ok = true;
  e.seq = (uint8_t)num(f, "seq");
  const std::string& t = str(f, "type");
  if (t == "getinfo") {
    e.type = BB_GET_INFO;
  } else if (t == "start") {
    e.type = BB_START;
  } else if (t == "stop") {
    e.type = BB_STOP;
  } else if (t == "setrate") {
    e.type = BB_SET_RATE;
    e.rate_hz = (uint16_t)num(f, "rate");
  } else if (t == "ping") {
    e.type = BB_PING;
    e.nonce = (uint32_t)num(f, "nonce");
  } else {
    throw BadField{"not a command: " + t};
  }
  return e;
}

// The test's own command encoder (the firmware never sends commands), built
// from bb_crc16 and bb_cobs_encode, so those two are checked on their own.
Bytes encode_command(const BbEvent& c) {
  Bytes p;
  p.push_back(c.type);
  p.push_back(c.seq);
  if (c.type == BB_SET_RATE) {
    p.push_back((uint8_t)c.rate_hz);
    p.push_back((uint8_t)(c.rate_hz >> 8));
  } else if (c.type == BB_PING) {
    for (int i = 0; i < 4; i++) p.push_back((uint8_t)(c.nonce >> (8 * i)));
  }
  uint16_t crc = bb_crc16(p.data(), p.size());
  p.push_back((uint8_t)crc);
  p.push_back((uint8_t)(crc >> 8));
  Bytes out(p.size() + p.size() / 254 + 2);
  size_t n = bb_cobs_encode(p.data(), p.size(), out.data());
  out.resize(n);
  out.push_back(0);
  return out;
}

std::string describe(const BbEvent& e) {
  static const char* kinds[] = {"none", "command", "not_command", "cobs", "crc", "unknown_type",
                                "bad_body", "overlong"};
  char buf[160];
  std::snprintf(buf, sizeof buf, "kind=%s type=0x%02x seq=%u rate=%u nonce=%lu bytes=%lu",
                e.kind < 8 ? kinds[e.kind] : "?", e.type, e.seq, e.rate_hz,
                (unsigned long)e.nonce, (unsigned long)e.bytes);
  return buf;
}

bool same_command(const BbEvent& a, const BbEvent& b) {
  return a.kind == b.kind && a.type == b.type && a.seq == b.seq && a.rate_hz == b.rate_hz &&
         a.nonce == b.nonce;
}

// Feeds bytes one at a time; collects every event that is not BB_EV_NONE.
std::vector<BbEvent> feed_all(BbDecoder& d, const Bytes& wire) {
  std::vector<BbEvent> events;
  for (size_t i = 0; i < wire.size(); i++) {
    BbEvent ev;
    if (d.feed(wire[i], ev) != BB_EV_NONE) events.push_back(ev);
  }
  return events;
}

uint8_t reject_kind(const std::string& name) {
  if (name == "cobs") return BB_EV_ERR_COBS;
  if (name == "crc") return BB_EV_ERR_CRC;
  if (name == "unknown_type") return BB_EV_ERR_UNKNOWN_TYPE;
  if (name == "bad_body") return BB_EV_ERR_BAD_BODY;
  if (name == "overlong") return BB_EV_ERR_OVERLONG;
  throw BadField{"unknown reject kind " + name};
}

uint32_t g_rng = 12345;  // deterministic junk
uint8_t rnd() {
  g_rng = g_rng * 1103515245u + 12345u;
  return (uint8_t)(g_rng >> 16);
}

struct CommandVector {
  std::string name;
  Bytes wire;
  BbEvent cmd;
};

void check_line(const std::string& name, const Fields& f, const Bytes& wire,
                std::vector<CommandVector>& commands) {
  const std::string& type = str(f, "type");
  BbDecoder dec;
  std::vector<BbEvent> got = feed_all(dec, wire);
  const std::string from = "\n  wire " + hex(wire) + "\n  ";

  if (type == "reject") {
    uint8_t kind = reject_kind(str(f, "error"));
    if (got.size() != 1) return fail(name, from + "expected exactly one event, got " + std::to_string(got.size()));
    if (got[0].kind != kind) return fail(name, from + "rejected as " + describe(got[0]) + ", expected " + str(f, "error"));
    if (got[0].bytes != wire.size() || dec.stats().bytes_dropped != wire.size())
      return fail(name, from + "not every byte counted as dropped: " + describe(got[0]));
    if (dec.stats().frames != 0) return fail(name, from + "counted as a good frame");
    return pass(name);
  }

  if (type == "getinfo" || type == "start" || type == "stop" || type == "setrate" || type == "ping") {
    BbEvent want = expected_command(f);
    if (got.size() != 1 || !same_command(got[0], want))
      return fail(name, from + "decoded " + (got.empty() ? std::string("nothing") : describe(got[0])) +
                            " (events: " + std::to_string(got.size()) + "), expected " + describe(want));
    Bytes enc = encode_command(want);
    if (enc != wire) return fail(name, "crc16+cobs encode mismatch\n  expected " + hex(wire) + "\n  got      " + hex(enc));
    CommandVector cv = {name, wire, want};
    commands.push_back(cv);
    return pass(name);
  }

  // Device-to-host: build and compare bytes exactly.
  Bytes built = build(f);
  if (built != wire) return fail(name, "encode mismatch\n  expected " + hex(wire) + "\n  got      " + hex(built));
  // A device's decoder must recognise it as valid but not a command.
  if (got.size() != 1 || got[0].kind != BB_EV_NOT_COMMAND || got[0].seq != (uint8_t)num(f, "seq"))
    return fail(name, from + "decoder gave " + (got.empty() ? std::string("nothing") : describe(got[0])) +
                          ", expected not_command");
  pass(name);
}

// All commands with junk (non-zero bytes, sometimes overlong, then 0x00) and
// empty frames between them: every command must still come out, in order.
void check_garbage_stream(const std::vector<CommandVector>& commands) {
  const std::string name = "garbage_between_commands";
  if (commands.empty()) return fail(name, "no command vectors");
  for (int round = 0; round < 200; round++) {
    Bytes stream;
    for (size_t i = 0; i < commands.size(); i++) {
      size_t junk = (round % 10 == 9 && i == 0) ? 300 : 1 + rnd() % 40;  // sometimes overlong
      for (size_t j = 0; j < junk; j++) {
        uint8_t b = rnd();
        stream.push_back(b ? b : 0x55);
      }
      stream.push_back(0);
      if (rnd() & 1) stream.push_back(0);  // empty frame (padding)
      stream.insert(stream.end(), commands[i].wire.begin(), commands[i].wire.end());
    }
    BbDecoder dec;
    std::vector<BbEvent> got = feed_all(dec, stream);
    std::vector<BbEvent> cmds;
    for (size_t i = 0; i < got.size(); i++)
      if (got[i].kind == BB_EV_COMMAND) cmds.push_back(got[i]);
    bool ok = cmds.size() == commands.size();
    for (size_t i = 0; ok && i < cmds.size(); i++) ok = same_command(cmds[i], commands[i].cmd);
    if (!ok) return fail(name, "round " + std::to_string(round) + ": got " + std::to_string(cmds.size()) +
                                   " commands, expected " + std::to_string(commands.size()) + " in order; stream " + hex(stream));
    if (dec.stats().frames != commands.size())
      return fail(name, "round " + std::to_string(round) + ": frames counter " + std::to_string(dec.stats().frames));
  }
  pass(name);
}

void check_crc_catalogue() {
  const char* s = "123456789";
  uint16_t crc = bb_crc16((const uint8_t*)s, 9);
  if (crc != 0x29B1) return fail("crc16_check_value", "got " + hex((const uint8_t*)&crc, 2));
  pass("crc16_check_value");
}

// COBS corner cases the vectors cannot reach (a payload is at most 252 bytes).
void check_cobs_edges() {
  uint8_t in[300], out[310];
  // Empty input -> 01; a lone zero -> 01 01.
  if (bb_cobs_encode(in, 0, out) != 1 || out[0] != 0x01) return fail("cobs_edges", "empty input");
  in[0] = 0;
  if (bb_cobs_encode(in, 1, out) != 2 || out[0] != 1 || out[1] != 1) return fail("cobs_edges", "lone zero");
  // 254 non-zero bytes fill one block exactly: FF + data, no trailing block.
  memset(in, 0x11, sizeof in);
  size_t n = bb_cobs_encode(in, 254, out);
  if (n != 255 || out[0] != 0xFF) return fail("cobs_edges", "254 bytes -> " + hex(out, n));
  // 255 non-zero bytes: FF + 254 data, then 02 + 1 data.
  n = bb_cobs_encode(in, 255, out);
  if (n != 257 || out[0] != 0xFF || out[255] != 0x02) return fail("cobs_edges", "255 bytes -> " + hex(out, n));
  pass("cobs_edges");
}

// The receive buffer holds a frame of 255 bytes plus its 0x00; one more is overlong.
void check_overlong_boundary() {
  Bytes wire(255, 0x01);
  wire.push_back(0);
  BbDecoder d;
  std::vector<BbEvent> got = feed_all(d, wire);
  if (got.size() != 1 || got[0].kind == BB_EV_ERR_OVERLONG || got[0].bytes != 256)
    return fail("overlong_boundary", "255 bytes: " + (got.empty() ? std::string("nothing") : describe(got[0])));
  wire.insert(wire.begin(), 0x01);
  got = feed_all(d, wire);
  if (got.size() != 1 || got[0].kind != BB_EV_ERR_OVERLONG || got[0].bytes != 257)
    return fail("overlong_boundary", "256 bytes: " + (got.empty() ? std::string("nothing") : describe(got[0])));
  if (d.stats().overlong != 1 || d.stats().bytes_dropped != 256 + 257)
    return fail("overlong_boundary", "counters");
  pass("overlong_boundary");
}

int finish() {
  std::printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed > 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "../../vectors/frames.tsv";
  std::ifstream in(path);
  if (!in) {
    fail("vectors", std::string("cannot open ") + path);
    return finish();
  }
  check_crc_catalogue();
  check_cobs_edges();
  check_overlong_boundary();
  std::vector<CommandVector> commands;
  int vectors = 0;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    lineno++;
    if (!line.empty() && line[line.size() - 1] == '\r') line.erase(line.size() - 1);
    if (line.empty() || line[0] == '#') continue;
    vectors++;
    std::vector<std::string> cols = split(line, '\t');
    std::string name = cols.empty() ? "line " + std::to_string(lineno) : cols[0];
    Bytes wire;
    if (cols.size() != 3 || !unhex(cols[2], wire)) {
      fail(name, "line " + std::to_string(lineno) + " is not name<TAB>fields<TAB>hex");
      continue;
    }
    Fields f;
    std::vector<std::string> kvs = split(cols[1], ';');
    for (size_t i = 0; i < kvs.size(); i++) {
      size_t eq = kvs[i].find('=');
      if (eq != std::string::npos) f[kvs[i].substr(0, eq)] = kvs[i].substr(eq + 1);
    }
    try {
      check_line(name, f, wire, commands);
    } catch (const BadField& e) {
      fail(name, "cannot use fields: " + e.what);
    }
  }
  if (vectors == 0) fail("vectors", std::string("no vectors in ") + path);
  check_garbage_stream(commands);
  return finish();
}
