// text_fallback: the simplest breathband sensor. Prints one line "chest,belly"
// (raw 10-bit counts of A0 and A1) per sample, 100 times a second.
//
// This is NOT the binary protocol (see "Plain-text fallback" in PROTOCOL.md):
// no sample index (lost samples go unnoticed), no units, no clipping flags, no
// commands. Tell the host the rate with --text-rate 100. For real use flash
// ../breathband_sensor instead. Wiring is the same (see breathband_sensor.ino):
// band from 5V to the pin, 10k from the pin to GND, optional 100nF to GND.

const unsigned long PERIOD_US = 10000;  // 100 Hz
unsigned long next_us;

void setup() {
  Serial.begin(115200);
  next_us = micros();
}

void loop() {
  // Signed difference, so the 70-minute wrap of micros() does no harm.
  if ((long)(micros() - next_us) < 0) return;
  next_us += PERIOD_US;  // step from the schedule, not from now: no drift
  int chest = analogRead(A0);
  int belly = analogRead(A1);
  Serial.print(chest);
  Serial.print(',');
  Serial.println(belly);  // ends with CR LF
}
