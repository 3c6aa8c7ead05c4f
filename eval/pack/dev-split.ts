/**
 * The development split for choosing matching policy: disjoint from eval:pack's held-out probes, so what is
 * tuned here is only reported there. Fixed by the data (sorted names and files), never drawn at random.
 * - known: photos 11-16 of every pins_105 person who is neither a held-out nor a development stranger,
 *   with photos 1-10 enrolled (photos 17-20 are held out: neither enrolled nor probed);
 * - strangers: every photo 1-16 of 15 other pins_105 people found in no other set, and the one photo of
 *   up to 1,200 LFW people with a single photo who are not among the held-out strangers (which ones: `fold`).
 */
import { keyOf, peopleBySet, splitHeldOut, type Probe } from './held-out';
import type { SourcePhoto } from './sources';

const DEV_PINS_STRANGERS = 15;
const DEV_LFW_STRANGERS = 1200;
const DEV_ENROL = 10;
const DEV_LAST_PROBE = 16;


/**
 * `fold` (0, 1, …) picks which pins_105 people and LFW singles are the strangers: folds rotate them, so
 * pooled folds probe many more stranger photos than one split can hold out of a single trial pack.
 */
export function splitDevelopment(photos: readonly SourcePhoto[], fold = 0): { trial: SourcePhoto[]; probes: Probe[] } {
  const heldOut = splitHeldOut(photos, 16);
  const heldOutPaths = new Set(heldOut.probes.map((p) => p.path));
  const byPath = new Map(photos.map((p) => [p.path, p]));
  const heldOutStrangers = new Set(heldOut.probes.filter((p) => p.expected === null).flatMap((p) => { const photo = byPath.get(p.path); return photo ? [keyOf(photo)] : []; }));
  const { pinsByPerson, elsewhere, lfwCount } = peopleBySet(photos);
  const candidates = [...pinsByPerson.keys()].filter((k) => !elsewhere.has(k) && !heldOutStrangers.has(k)).sort();
  const step = Math.max(1, Math.floor(candidates.length / DEV_PINS_STRANGERS));
  const pinsStrangers = new Set(candidates.filter((_, i) => i % step === fold % step).slice(0, DEV_PINS_STRANGERS));
  const singles = [...lfwCount].filter(([k, n]) => n === 1 && !pinsByPerson.has(k) && !heldOutStrangers.has(k)).map(([k]) => k).sort();
  const lfwStep = Math.max(1, Math.floor(singles.length / DEV_LFW_STRANGERS));
  const lfwStrangers = new Set(singles.filter((_, i) => i % lfwStep === (1 + fold) % lfwStep).slice(0, DEV_LFW_STRANGERS));
  const probes: Probe[] = [];
  const left = new Set<string>(heldOutPaths);
  for (const [key, list] of pinsByPerson) {
    if (heldOutStrangers.has(key)) continue;
    const sorted = [...list].sort((a, b) => (a.path < b.path ? -1 : 1));
    const stranger = pinsStrangers.has(key);
    sorted.slice(DEV_ENROL).forEach((p) => left.add(p.path));
    if (stranger) sorted.forEach((p) => left.add(p.path));
    for (const p of stranger ? sorted.slice(0, DEV_LAST_PROBE) : sorted.slice(DEV_ENROL, DEV_LAST_PROBE)) {
      probes.push({ path: p.path, expected: stranger ? null : key, kind: stranger ? 'stranger-pins' : 'known', subjectOnly: false });
    }
  }
  for (const p of photos) {
    if (p.set === 'lfw' && lfwStrangers.has(keyOf(p))) {
      probes.push({ path: p.path, expected: null, kind: 'stranger-lfw', subjectOnly: true });
      left.add(p.path);
    }
  }
  const gone = new Set([...pinsStrangers, ...lfwStrangers, ...heldOutStrangers]);
  return { trial: photos.filter((p) => !left.has(p.path) && !gone.has(keyOf(p))), probes };
}
