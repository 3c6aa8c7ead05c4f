/**
 * The held-out split of eval:pack: which photos a trial pack is built from and which probe it. Fixed by
 * the data (sorted names and files), never drawn at random, so every run and every policy sees the same split.
 */
import { normalizeName } from '../../lib/gallery';
import { DISPLAY_NAMES, type SourcePhoto } from './sources';

const STRANGER_PINS_PEOPLE = 15;
const STRANGER_LFW_PEOPLE = 420;

export interface Probe {
  path: string;
  /** Normalised name of who is in it, or null for a stranger. */
  expected: string | null;
  kind: 'known' | 'stranger-pins' | 'stranger-lfw';
  /**
   * Judge only the photo's subject (the largest face nearest the centre): LFW frames are centred on their
   * person, and a bystander beside them (Simon Cowell beside Angie Martinez) may rightly be named.
   */
  subjectOnly: boolean;
}

/** LFW lists a few people twice, in two name orders (Chyung Dai-chul, Dai-chul Chyung): the same tokens. */
const tokensOf = (key: string) => key.split(' ').sort().join(' ');

/** A person's key across sets: the normalised display name. */
export const keyOf = (p: SourcePhoto) => normalizeName(DISPLAY_NAMES[p.name] ?? p.name);

/** Per person: their pins_105 photos, whether any other set holds them, and how many LFW photos they have. */
export function peopleBySet(photos: readonly SourcePhoto[]): { pinsByPerson: Map<string, SourcePhoto[]>; elsewhere: Set<string>; lfwCount: Map<string, number> } {
  const pinsByPerson = new Map<string, SourcePhoto[]>();
  const elsewhere = new Set<string>();
  const lfwCount = new Map<string, number>();
  for (const p of photos) {
    if (p.set === 'pins_105') pinsByPerson.set(keyOf(p), [...(pinsByPerson.get(keyOf(p)) ?? []), p]);
    else elsewhere.add(keyOf(p));
    if (p.set === 'lfw') lfwCount.set(keyOf(p), (lfwCount.get(keyOf(p)) ?? 0) + 1);
  }
  return { pinsByPerson, elsewhere, lfwCount };
}

/** The trial pack's photos and the probes (see the header): fixed by the data, not drawn at random. */
export function splitHeldOut(photos: readonly SourcePhoto[], enrol: number): { trial: SourcePhoto[]; probes: Probe[] } {
  const { pinsByPerson, elsewhere, lfwCount } = peopleBySet(photos);
  const onlyPins = [...pinsByPerson.keys()].filter((k) => !elsewhere.has(k)).sort();
  const step = Math.floor(onlyPins.length / STRANGER_PINS_PEOPLE);
  const pinsStrangers = new Set(onlyPins.filter((_, i) => i % step === Math.floor(step / 2)).slice(0, STRANGER_PINS_PEOPLE));
  const spellings = new Map<string, number>();
  for (const key of new Set(photos.map(keyOf))) spellings.set(tokensOf(key), (spellings.get(tokensOf(key)) ?? 0) + 1);
  const singles = [...lfwCount].filter(([k, n]) => n === 1 && !pinsByPerson.has(k) && spellings.get(tokensOf(k)) === 1).map(([k]) => k).sort();
  const lfwStep = Math.floor(singles.length / STRANGER_LFW_PEOPLE);
  const lfwStrangers = new Set(singles.filter((_, i) => i % lfwStep === 0).slice(0, STRANGER_LFW_PEOPLE));
  const probes: Probe[] = [];
  const probed = new Set<string>();
  for (const [key, list] of pinsByPerson) {
    const sorted = [...list].sort((a, b) => (a.path < b.path ? -1 : 1));
    const held = pinsStrangers.has(key) ? sorted : sorted.slice(enrol, 20);
    for (const p of held) {
      probes.push({ path: p.path, expected: pinsStrangers.has(key) ? null : key, kind: pinsStrangers.has(key) ? 'stranger-pins' : 'known', subjectOnly: false });
      probed.add(p.path);
    }
  }
  for (const p of photos) {
    if (p.set === 'lfw' && lfwStrangers.has(keyOf(p))) {
      probes.push({ path: p.path, expected: null, kind: 'stranger-lfw', subjectOnly: true });
      probed.add(p.path);
    }
  }
  const strangers = new Set([...pinsStrangers, ...lfwStrangers]);
  return { trial: photos.filter((p) => !probed.has(p.path) && !strangers.has(keyOf(p))), probes };
}

