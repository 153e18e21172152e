// Owns how V8 compiles the station's JavaScript: every function to baseline machine code (Sparkplug) when it is
// first compiled, rather than interpreting it until it has run often. What an encoder waits for (the RTMP handshake,
// connect, createStream, publish and the gate) runs a few times a minute at most, so V8 would keep interpreting it:
// compiled, a cached publish is answered about 0.3 ms sooner (npm run bench: auth), for 3-4 MiB more
// memory at start (start-up time unchanged: 1.1-1.2 s to ready).
// Each entry point imports this module first, for its effect: functions compiled before it runs stay interpreted.
import v8 from 'node:v8';

export const V8_FLAGS = ['--always-sparkplug'] as const;

for (const flag of V8_FLAGS) v8.setFlagsFromString(flag);
