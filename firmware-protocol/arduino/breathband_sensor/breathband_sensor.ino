// breathband_sensor: reference firmware for the breathband wire protocol v1
// (firmware-protocol/PROTOCOL.md) on an Arduino Uno or Nano (ATmega328P).
//
// Wiring: each stretch band is the upper leg of a voltage divider.
//
//   5V ---[ chest band ]---+--- A0        5V ---[ belly band ]---+--- A1
//                          |                                     |
//                          +---[ 10k ]--- GND                    +---[ 10k ]--- GND
//                          |                                     |
//                          +---[ 100nF ]--- GND (optional)       +---[ 100nF ]--- GND (optional)
//
// A conductive-rubber band gains resistance when stretched, so its count falls
// as you breathe in. Pick the resistor near the band's relaxed resistance for
// the largest swing. The 100nF capacitor smooths noise and also feeds the ADC's
// sample-and-hold (the ATmega wants under 10k source impedance). An unplugged
// band reads 0, which is reported as clipped.
//
// Behaviour: Timer1 (CTC) paces sampling at 50..1000 Hz (default 100 Hz); its
// interrupt starts a conversion of A0, the ADC interrupt then converts A1 and
// stores the pair in a ring buffer. Every period gets the next sample index,
// streaming or not. The loop sends Info at boot, answers every command with
// Ack/Nack, streams Samples frames of about 10 ms after Start, and sends a
// Heartbeat every second. Serial at 115200 baud.
//
// Needs bb_protocol.h / bb_protocol.cpp in this folder (the IDE compiles them).
// Uses Timer1 and the ADC interrupt: do not combine with Servo, tone(),
// analogWrite() on pins 9/10, or analogRead().

#include "bb_protocol.h"

const uint8_t FIRMWARE_VERSION[3] = {1, 0, 0};
const uint16_t DEFAULT_RATE_HZ = 100;
const uint32_t HEARTBEAT_MS = 1000;
const uint16_t ADC_FULL_SCALE = 1023;

// Unique board id sent in Info. The ATmega328P has no documented serial
// number, so it is all zero ("unknown"). On boards that have one, copy 8
// bytes of it here in setup(): e.g. the ATmega328PB/ATmega4809 serial number
// in the signature row, the SAMD21 128-bit serial at 0x0080A00C, the RP2040
// flash id (pico_get_unique_board_id) or the ESP32 eFuse MAC. Or write an id
// into EEPROM once and read it at boot.
uint8_t g_device_id[8] = {0, 0, 0, 0, 0, 0, 0, 0};

// ---- Sampling (interrupt side) -------------------------------------------

// Ring of the last RING_SIZE pairs. Sample number i lives in slot
// i % RING_SIZE, so every pair's index is implicit; if the loop falls behind,
// the interrupt overwrites the oldest pairs and the loop sees the index jump.
const uint8_t RING_SIZE = 64;  // power of two; 64 ms at 1 kHz
volatile uint16_t g_ring[RING_SIZE][2];
volatile uint32_t g_next_index = 0;  // index the next sample will get

// ADMUX: reference AVcc (REFS0) and the input channel in the low bits.
const uint8_t ADMUX_CHEST = _BV(REFS0) | 0;  // A0
const uint8_t ADMUX_BELLY = _BV(REFS0) | 1;  // A1

// Every sampling period: start converting the chest band.
ISR(TIMER1_COMPA_vect) {
  ADMUX = ADMUX_CHEST;
  ADCSRA |= _BV(ADSC);
}

// A conversion finished: after the chest, start the belly; after the belly,
// store the pair and count the period. Both take about 210 us in all, well
// within the shortest period (1 ms), and the CPU is free meanwhile, so serial
// reception is never blocked by sampling.
ISR(ADC_vect) {
  static uint16_t chest;
  uint16_t value = ADC;
  if (ADMUX == ADMUX_CHEST) {
    chest = value;
    ADMUX = ADMUX_BELLY;
    ADCSRA |= _BV(ADSC);
  } else {
    uint8_t slot = (uint8_t)g_next_index & (RING_SIZE - 1);
    g_ring[slot][0] = chest;
    g_ring[slot][1] = value;
    g_next_index++;
  }
}

void setup_adc() {
  ADMUX = ADMUX_CHEST;
  // Enable, interrupt on completion, clock F_CPU / 128 (125 kHz at 16 MHz:
  // full 10-bit accuracy, 104 us per conversion).
  ADCSRA = _BV(ADEN) | _BV(ADIE) | _BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0);
  DIDR0 = _BV(ADC0D) | _BV(ADC1D);  // A0/A1 analog only: less noise
}

// Timer1 in CTC mode, clock F_CPU / 8 (2 MHz at 16 MHz), top = 2 MHz / rate - 1
// (39999 at 50 Hz, 1999 at 1 kHz). Rates that do not divide 2 MHz round to the
// nearest tick (300 Hz runs at 299.99 Hz); the board's resonator is off by more.
void start_timer(uint16_t rate_hz) {
  uint32_t ticks = (F_CPU / 8 + rate_hz / 2) / rate_hz;
  noInterrupts();
  TCCR1A = 0;
  TCCR1B = _BV(WGM12) | _BV(CS11);  // CTC, top OCR1A, prescaler 8
  OCR1A = (uint16_t)(ticks - 1);
  TCNT1 = 0;
  TIFR1 = _BV(OCF1A);  // drop a stale compare match
  TIMSK1 = _BV(OCIE1A);
  interrupts();
}

uint32_t next_index() {
  noInterrupts();
  uint32_t i = g_next_index;
  interrupts();
  return i;
}

// ---- Protocol (loop side) --------------------------------------------------

BbDecoder g_decoder;
uint8_t g_frame[BB_MAX_FRAME];       // one outgoing frame
uint16_t g_pairs[BB_MAX_PAIRS][2];   // pairs of the Samples frame being built
uint16_t g_rate_hz = DEFAULT_RATE_HZ;
bool g_streaming = false;
uint32_t g_read_index = 0;           // index of the next pair to send
uint16_t g_overruns = 0;             // samples lost while streaming (saturating)
bool g_overrun_pending = false;      // flag the next Samples frame
uint8_t g_seq = 0;                   // our seq for Info, Samples, Heartbeat
uint32_t g_last_heartbeat_ms = 0;

uint8_t status_bits() { return g_streaming ? BB_STATUS_STREAMING : 0; }

void send_frame(size_t n) {
  if (n > 0) Serial.write(g_frame, n);
}

void send_info() {
  BbInfo info;
  memcpy(info.firmware_version, FIRMWARE_VERSION, 3);
  info.sample_rate_hz = g_rate_hz;
  info.status = status_bits();
  memcpy(info.device_id, g_device_id, 8);
  BbChannel chest = {"chest", "raw", 1.0f, 0.0f, ADC_FULL_SCALE};
  BbChannel belly = {"belly", "raw", 1.0f, 0.0f, ADC_FULL_SCALE};
  info.channels[0] = chest;
  info.channels[1] = belly;
  send_frame(bb_build_info(g_frame, sizeof g_frame, g_seq++, info));
}

void send_heartbeat(uint32_t now_ms) {
  send_frame(bb_build_heartbeat(g_frame, sizeof g_frame, g_seq++, now_ms, next_index(),
                                status_bits(), g_overruns));
}

// Ack and Nack carry the command's seq and leave our own seq alone.
void send_ack(const BbEvent& cmd) {
  send_frame(bb_build_ack(g_frame, sizeof g_frame, cmd.seq, cmd.type));
}

void send_nack(const BbEvent& cmd, uint8_t code) {
  send_frame(bb_build_nack(g_frame, sizeof g_frame, cmd.seq, cmd.type, code));
}

// Sends one Samples frame once rate/100 pairs (at least 1) are waiting, so a
// frame covers about 10 ms. After a stall it sends up to BB_MAX_PAIRS at once.
void send_samples() {
  uint8_t per_frame = (uint8_t)(g_rate_hz / 100);
  if (per_frame == 0) per_frame = 1;
  uint8_t flags = 0;
  noInterrupts();  // the ring must not move while we copy from it
  uint32_t waiting = g_next_index - g_read_index;
  if (waiting > RING_SIZE) {  // the oldest pairs were overwritten
    uint32_t lost = waiting - RING_SIZE;
    g_read_index += lost;
    g_overruns = (lost > 0xFFFFu - g_overruns) ? 0xFFFF : (uint16_t)(g_overruns + lost);
    g_overrun_pending = true;
    waiting = RING_SIZE;
  }
  if (waiting < per_frame) {
    interrupts();
    return;
  }
  uint8_t count = waiting > BB_MAX_PAIRS ? BB_MAX_PAIRS : (uint8_t)waiting;
  uint32_t first = g_read_index;
  for (uint8_t i = 0; i < count; i++) {
    uint8_t slot = (uint8_t)(first + i) & (RING_SIZE - 1);
    g_pairs[i][0] = g_ring[slot][0];
    g_pairs[i][1] = g_ring[slot][1];
  }
  interrupts();
  g_read_index = first + count;

  for (uint8_t i = 0; i < count; i++) {
    if (g_pairs[i][0] == 0 || g_pairs[i][0] >= ADC_FULL_SCALE) flags |= BB_FLAG_CHEST_CLIPPED;
    if (g_pairs[i][1] == 0 || g_pairs[i][1] >= ADC_FULL_SCALE) flags |= BB_FLAG_BELLY_CLIPPED;
  }
  // The disconnected bits stay 0: with this divider an unplugged band is just
  // a count of 0, which cannot be told apart from a fully stretched one.
  if (g_overrun_pending) {
    flags |= BB_FLAG_OVERRUN;
    g_overrun_pending = false;
  }
  send_frame(bb_build_samples(g_frame, sizeof g_frame, g_seq++, first, flags, g_pairs, count));
}

void handle_command(const BbEvent& ev) {
  switch (ev.type) {
    case BB_GET_INFO:
      send_ack(ev);
      send_info();
      break;
    case BB_START:
      send_ack(ev);
      if (!g_streaming) {
        g_streaming = true;
        g_read_index = next_index();  // stream from now on
        g_overrun_pending = false;
      }
      break;
    case BB_STOP:
      send_ack(ev);
      g_streaming = false;
      break;
    case BB_SET_RATE:
      if (ev.rate_hz < BB_RATE_MIN_HZ || ev.rate_hz > BB_RATE_MAX_HZ) {
        send_nack(ev, BB_NACK_BAD_ARGUMENT);
      } else if (g_streaming) {
        // Samples already sent or buffered were taken at the old rate and the
        // host could not tell where the rate changed: Stop first.
        send_nack(ev, BB_NACK_BUSY);
      } else {
        g_rate_hz = ev.rate_hz;
        start_timer(g_rate_hz);
        send_ack(ev);
        send_info();
      }
      break;
    case BB_PING:
      send_ack(ev);
      break;
  }
}

void read_commands() {
  while (Serial.available() > 0) {
    BbEvent ev;
    switch (g_decoder.feed((uint8_t)Serial.read(), ev)) {
      case BB_EV_COMMAND:
        handle_command(ev);
        break;
      // A command frame with a good CRC is always answered, even if unusable.
      case BB_EV_ERR_UNKNOWN_TYPE:
        if (ev.crc_ok && (ev.type & 0x80)) send_nack(ev, BB_NACK_UNKNOWN_COMMAND);
        break;
      case BB_EV_ERR_BAD_BODY:
        if (ev.crc_ok && (ev.type & 0x80)) send_nack(ev, BB_NACK_MALFORMED);
        break;
      default:  // CRC/COBS errors, overlong, echoes: drop (counted in g_decoder.stats())
        break;
    }
  }
}

void setup() {
  Serial.begin(115200);
  Serial.write((uint8_t)0);  // flush whatever partial frame the host holds
  setup_adc();
  start_timer(g_rate_hz);
  send_info();
  g_last_heartbeat_ms = millis();
}

void loop() {
  read_commands();
  if (g_streaming) send_samples();
  uint32_t now = millis();
  if (now - g_last_heartbeat_ms >= HEARTBEAT_MS) {
    g_last_heartbeat_ms = now;
    send_heartbeat(now);
  }
}
