import 'server-only';
import { isOptedOut, type OptOutList } from '../gallery';
import { getOperatorGallery } from '../store';
import type { Celebrity, RecognizeCelebritiesResult } from '../contract/rekognition';

/** How often the opt-out list's identity (file, or PostgreSQL's version) is checked when results are read. */
const RECHECK_MS = 2_000;

/**
 * The result as it may be shown now: celebrities on the opt-out list lose their name and become
 * unrecognized faces, so a stored result re-rendered after someone opted out never names them.
 */
export function redactOptedOut(result: RecognizeCelebritiesResult, optedOut: (celebrity: Celebrity) => boolean): RecognizeCelebritiesResult {
  const removed = result.CelebrityFaces.filter(optedOut);
  if (removed.length === 0) return result;
  return {
    ...result,
    CelebrityFaces: result.CelebrityFaces.filter((c) => !optedOut(c)),
    UnrecognizedFaces: [...result.UnrecognizedFaces, ...removed.map((c) => c.Face)],
  };
}

const state: { list?: Promise<OptOutList>; version?: string | null; checkedAt: number } = { checkedAt: 0 };

async function currentList(): Promise<OptOutList> {
  if (!state.list || Date.now() - state.checkedAt >= RECHECK_MS) {
    state.checkedAt = Date.now();
    const store = getOperatorGallery();
    const version = await store.optOutVersion();
    if (!state.list || version !== state.version) {
      state.version = version;
      state.list = store.loadOptOut();
    }
  }
  return state.list;
}

/**
 * Whether a stored celebrity is opted out now: by the list's ids and names, and by the ids the local
 * gallery resolved from it (a person listed under another spelling of their name).
 */
export async function optOutFilter(resolvedIds: ReadonlySet<string> = new Set()): Promise<(celebrity: Celebrity) => boolean> {
  const list = await currentList();
  return (c) => resolvedIds.has(c.Id) || isOptedOut(list, { id: c.Id, name: c.Name });
}
