/**
 * A tracefs event `format` file (`events/<system>/<event>/format`), as trace-cmd stores it in a
 * trace.dat: the event's numeric id and the byte layout of its record. Only what the binary
 * reader needs is kept: each field's offset, size, signedness and whether it is a `__data_loc`
 * (a dynamic array: a u32 of `offset | length << 16` pointing into the same record).
 */

export interface EventField {
  readonly name: string;
  readonly type: string;
  readonly offset: number;
  readonly size: number;
  readonly signed: boolean;
  /** `__data_loc T name`: the u32 at `offset` is `(length << 16) | offset` of the payload. */
  readonly dataLoc: boolean;
}

export interface EventFormat {
  readonly system: string;
  readonly name: string;
  readonly id: number;
  readonly fields: ReadonlyMap<string, EventField>;
}

/** Malformed format text; the caller names the file. */
export class EventFormatError extends Error {}

const FIELD = /^\s*field:(.*?);\s*offset:(\d+);\s*size:(\d+);\s*(?:signed:(\d+);)?/;

const NAME = /^name: (\S+)$/m;
const ID = /^ID: (\d+)$/m;

/**
 * Name and ID of a format file, with the field layout parsed on first use (a trace.dat carries
 * thousands of formats; the reader needs the fields of a dozen).
 */
export function scanEventFormat(system: string, text: string): EventFormat {
  const name = NAME.exec(text)?.[1];
  const id = Number(ID.exec(text)?.[1] ?? NaN);
  if (name === undefined || !Number.isInteger(id)) throw new EventFormatError(`format of ${system} event has no name or ID`);
  let fields: ReadonlyMap<string, EventField> | null = null;
  return {
    system,
    name,
    id,
    get fields(): ReadonlyMap<string, EventField> {
      return (fields ??= parseEventFormat(system, text).fields);
    },
  };
}

/** Parses one format file's text. `system` is the directory it came from (trace-cmd stores it). */
export function parseEventFormat(system: string, text: string): EventFormat {
  let name: string | null = null;
  let id: number | null = null;
  const fields = new Map<string, EventField>();
  for (const line of text.split('\n')) {
    if (line.startsWith('name: ')) name = line.slice(6).trim();
    else if (line.startsWith('ID: ')) id = Number(line.slice(4).trim());
    else {
      const m = FIELD.exec(line);
      if (m === null) continue;
      const decl = (m[1] ?? '').trim();
      // The field name is the last identifier of the declaration, before any array suffix.
      const nm = /(\w+)\s*(?:\[[^\]]*\])?$/.exec(decl);
      if (nm === null) throw new EventFormatError(`bad field declaration ${JSON.stringify(decl)}`);
      const fname = nm[1] ?? '';
      const type = decl.slice(0, nm.index).trim();
      fields.set(fname, {
        name: fname,
        type,
        offset: Number(m[2]),
        size: Number(m[3]),
        signed: m[4] === '1',
        dataLoc: type.startsWith('__data_loc') || type.startsWith('__rel_loc'),
      });
    }
  }
  if (name === null || id === null || !Number.isInteger(id)) throw new EventFormatError(`format of ${system} event has no name or ID`);
  return { system, name, id, fields };
}
