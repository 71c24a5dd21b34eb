// The engine's rooms, lowest first: ESLint's fence (eslint.config.mjs) is built from this list, and
// test/engine/rooms.test.ts keeps it equal to src/engine's folders, the map at the top of
// src/engine/mission.ts and test/engine's folders.
export const ENGINE_ROOMS = [
  'util',
  'project',
  'protocol',
  'preflight',
  'record',
  'sessions',
  'guards',
  'schedule',
  'turns',
  'loop',
]
