import type pg from 'pg';
import { GalleryBusyError, isOptedOut, loadOptOut, optOutVersion, parseOptOut, type Gallery, type OperatorGallery, type Person } from '../gallery';
import { log } from '../observability/log';
import type { ObjectStorage } from './objects';
import type { PgDatabase } from './postgres-db';

/**
 * The operator's gallery in PostgreSQL, shared by every host: people and their embeddings (gallery_people),
 * the header, photo records and notes (gallery_state), the opt-out list (gallery_opt_outs), and the face
 * crops of admin-added samples beside the result photos (S3 or the objects table). Every save bumps a
 * version and sends NOTIFY on CHANNEL in the same transaction, so the other hosts reload within
 * milliseconds of the commit (watch), and their version polling covers a missed notification.
 */
export const GALLERY_CHANNEL = 'celebrity_finder_gallery';
const LOCK = 'operator-gallery';
const faceKey = (sampleId: string) => `gallery-faces/${sampleId}.jpg`;
const SAMPLE_ID = /^[0-9A-Za-z]{12}$/;

type StoredPerson = Omit<Person, 'embeddings' | 'negatives'>;

function toBytes(rows: Float32Array): Buffer {
  return Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength);
}

/** A float32 copy of a bytea (its Buffer may sit at any offset of a shared slab). */
function toRows(bytes: Buffer): Float32Array {
  const rows = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(rows.buffer).set(bytes);
  return rows;
}

/**
 * `optOutPath` (GALLERY_OPT_OUT): this host's opt-out file, honoured beside the table: a person listed in
 * either is never named. The file is read, never written (setOptedOut edits the table, which every host
 * shares); its changes are seen as a folder gallery sees them (mtime and size, in optOutVersion).
 */
export function createPostgresGallery(db: PgDatabase, objects: ObjectStorage, optOutPath?: string): OperatorGallery {
  const bump = async (client: pg.ClientBase, column: 'gallery_version' | 'opt_out_version') => {
    const { rows } = await client.query<{ version: string }>(`UPDATE gallery_state SET ${column} = ${column} + 1 RETURNING ${column} AS version`);
    await client.query('SELECT pg_notify($1, $2)', [GALLERY_CHANNEL, `${column}:${rows[0]?.version}`]);
  };
  const optOutEntries = async () => (await db.query<{ entry: string }>('SELECT entry FROM gallery_opt_outs ORDER BY created_at, entry')).rows.map((r) => r.entry);

  return {
    description: 'postgres',
    async version() {
      const { rows } = await db.query<{ version: string }>('SELECT gallery_version AS version FROM gallery_state');
      return rows[0] ? `pg:${rows[0].version}` : null;
    },
    async load() {
      return db.transaction(async (client) => {
        // One snapshot for the header and the people, whatever commits meanwhile.
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const state = (await client.query<{ dims: number; photos: Gallery['photos']; notes: NonNullable<Gallery['notes']> }>(
          'SELECT dims, photos, notes FROM gallery_state',
        )).rows[0];
        const { rows } = await client.query<{ person: StoredPerson; embeddings: Buffer; negatives: Buffer | null }>(
          'SELECT person, embeddings, negatives FROM gallery_people ORDER BY position',
        );
        const people: Person[] = rows.map((row) => ({
          ...row.person,
          embeddings: toRows(row.embeddings),
          ...(row.negatives && row.negatives.byteLength > 0 ? { negatives: toRows(row.negatives) } : {}),
        }));
        const notes = state?.notes ?? {};
        return { dims: state?.dims ?? 512, people, photos: state?.photos ?? {}, ...(Object.keys(notes).length > 0 ? { notes } : {}) };
      });
    },
    async save(gallery) {
      await db.transaction(async (client) => {
        await client.query('UPDATE gallery_state SET dims = $1, photos = $2, notes = $3', [gallery.dims, JSON.stringify(gallery.photos), JSON.stringify(gallery.notes ?? {})]);
        await client.query('DELETE FROM gallery_people');
        if (gallery.people.length > 0) {
          // The rows go to their own columns; the rest of each person is its JSON.
          const persons = gallery.people.map((p) => JSON.stringify({ ...p, embeddings: undefined, negatives: undefined }));
          await client.query(
            `INSERT INTO gallery_people (position, id, person, embeddings, negatives)
             SELECT * FROM unnest($1::integer[], $2::text[], $3::jsonb[], $4::bytea[], $5::bytea[])`,
            [
              gallery.people.map((_, i) => i), gallery.people.map((p) => p.id), persons, gallery.people.map((p) => toBytes(p.embeddings)),
              gallery.people.map((p) => (p.negatives && p.negatives.length > 0 ? toBytes(p.negatives) : null)),
            ],
          );
        }
        await bump(client, 'gallery_version');
      });
    },
    async withLock(work, { waitMs = 5_000 } = {}) {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const held = await db.exclusive(LOCK, async () => ({ value: await work() }));
        if (held) return held.value;
        if (Date.now() >= deadline) throw new GalleryBusyError('the gallery is being changed by another process');
        await new Promise((done) => setTimeout(done, 100));
      }
    },
    async optOutVersion() {
      const { rows } = await db.query<{ version: string }>('SELECT opt_out_version AS version FROM gallery_state');
      const file = optOutPath ? await optOutVersion(optOutPath) : null;
      return rows[0] ? `pg:${rows[0].version}${file ? `|file:${file}` : ''}` : null;
    },
    async loadOptOut() {
      const table = parseOptOut((await optOutEntries()).join('\n'));
      if (!optOutPath) return table;
      const file = await loadOptOut(optOutPath);
      return { ids: new Set([...table.ids, ...file.ids]), names: new Set([...table.names, ...file.names]) };
    },
    async setOptedOut(person, optedOut) {
      const entries = await optOutEntries();
      if (isOptedOut(parseOptOut(entries.join('\n')), person) === optedOut) return false;
      await db.transaction(async (client) => {
        if (optedOut) {
          await client.query('INSERT INTO gallery_opt_outs (entry, note) VALUES ($1, $2) ON CONFLICT (entry) DO NOTHING', [person.id, person.name]);
        } else {
          // Every entry naming them goes: by id, by name or by another spelling.
          const naming = entries.filter((entry) => isOptedOut(parseOptOut(entry), person));
          await client.query('DELETE FROM gallery_opt_outs WHERE entry = ANY($1::text[])', [naming]);
        }
        await bump(client, 'opt_out_version');
      });
      return true;
    },
    async writeSampleFace(sampleId, jpeg) {
      if (!SAMPLE_ID.test(sampleId)) throw new Error(`not a sample id: ${sampleId}`);
      await objects.put(faceKey(sampleId), jpeg, 'image/jpeg');
    },
    async readSampleFace(sampleId) {
      return SAMPLE_ID.test(sampleId) ? objects.get(faceKey(sampleId)) : null;
    },
    async removeSampleFaces(sampleIds) {
      await objects.remove(sampleIds.filter((id) => SAMPLE_ID.test(id)).map(faceKey));
    },
    watch(changed) {
      let client: pg.Client | undefined;
      let stopped = false;
      let retry: NodeJS.Timeout | undefined;
      const listen = async () => {
        try {
          const connection = await db.connect();
          client = connection;
          connection.on('notification', (message) => {
            if (message.channel === GALLERY_CHANNEL) changed();
          });
          connection.on('error', (error) => {
            log.warn({ err: error }, 'postgres: gallery notifications lost; listening again');
            again();
          });
          await connection.query(`LISTEN ${GALLERY_CHANNEL}`);
          if (stopped) await connection.end();
          // Whatever changed while no one listened.
          else changed();
        } catch (error) {
          log.warn({ err: error }, 'postgres: cannot listen for gallery changes yet; retrying');
          again();
        }
      };
      const again = () => {
        const lost = client;
        client = undefined;
        void lost?.end().catch(() => undefined);
        if (!stopped && !retry) retry = setTimeout(() => ((retry = undefined), void listen()), 1_000);
        retry?.unref();
      };
      void db.ready.then(listen, () => again());
      return () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        void client?.end().catch(() => undefined);
      };
    },
  };
}
