// CSV (and NDJSON) input as it comes: a cell of 120 MB read in constant memory, text that is not
// UTF-8 refused naming its line and column, column names such as `__proto__` kept as attributes,
// and rows that fill in several identifiers.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportFailureRecord, ImportSummary } from '../cli/import.js';
import { csvSource } from '../cli/import/csv-source.js';
import type { Row } from '../cli/import/operations.js';
import { runCli, UsageError } from '../cli/main.js';
import { sharedRegistry } from './helpers.js';
import { AUTH, runCliChild, type WireItem } from './import-helpers.js';
import { startLocalServer, type LocalServer } from './local-server.js';

jest.setTimeout(40_000);

const dir = mkdtempSync(join(tmpdir(), 'cio-import-csv-'));
let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function wire(): WireItem[] {
  return server.seen.flatMap((s) => (JSON.parse(s.body) as { batch: WireItem[] }).batch);
}

function failedRecords(path: string): ImportFailureRecord[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ImportFailureRecord);
}

async function importFile(operation: string, file: string, ...extra: string[]) {
  server.seen.length = 0;
  const { output, exitCode } = await runCli(['import', 'customer-io', operation, '--file', file, '--auth', AUTH, '--origin', server.origin, '--quiet', ...extra], {}, await sharedRegistry());
  return { summary: output as ImportSummary, exitCode };
}

describe('a CSV cell of 120 MB', () => {
  it('is read in flat memory: its row is one failed item naming its line, the rows after it keep their lines', async () => {
    const big = join(dir, 'big-cell.csv');
    const small = join(dir, 'small.csv');
    const head = 'id,name,line,note\nu1,purchase,2,small\n';
    const tail = 'u4,purchase,124,fine\n,purchase,125,no one\nu6,purchase,126,last\n';
    // 120 quoted lines of 1 MB each in one cell (lines 3 to 123).
    const out = createWriteStream(big);
    out.write(`${head}u2,purchase,3,"`);
    const megabyte = Buffer.alloc(1024 * 1024, 'y');
    megabyte[megabyte.length - 1] = 0x0a;
    for (let i = 0; i < 120; i++) if (!out.write(megabyte)) await once(out, 'drain');
    out.end(`"\n${tail}`);
    await once(out, 'close');
    writeFileSync(small, `${head}u2,purchase,3,short\n${tail}`);

    // Each in its own process, so max RSS is the import's own.
    const run = async (file: string) => {
      const child = runCliChild(['import', 'customer-io', 'bulk_track_events', '--file', file, '--auth', 'env', '--origin', server.origin, '--quiet']);
      const { code } = await child.exited;
      return { code, summary: JSON.parse(child.stdout) as ImportSummary };
    };
    server.seen.length = 0;
    const baseline = await run(small);
    server.seen.length = 0;
    const large = await run(big);

    expect(large.code).toBe(1);
    expect(large.summary).toMatchObject({ read: 5, accepted: 3, failed: 2 });
    // Flat: what the GC has not yet collected of the read chunks (about 30 MB, for a cell of 40 MB as of 120 MB), never the cell.
    expect(large.summary.max_rss_mb - baseline.summary.max_rss_mb).toBeLessThan(60);
    expect(wire().map((e) => e.attributes?.line)).toEqual(['2', '124', '126']);
    const records = failedRecords(large.summary.failed_file!);
    expect(records[0]).toMatchObject({ line: 3, reason: 'invalid', field: 'note', message: expect.stringContaining('larger than 1048576 bytes'), item: { identifiers: { id: 'u2' }, data: { note: '[125829120 bytes, left out]' } } });
    expect(records[1]).toMatchObject({ line: 125, field: 'identifiers' });
    if (process.env.IMPORT_FIGURES) process.stderr.write(`120 MB cell: max RSS ${large.summary.max_rss_mb} MB (small file ${baseline.summary.max_rss_mb} MB), ${large.summary.seconds} s\n`);
  });

  it('is cut wherever it sits (quoted, unquoted, in escaped quotes) without shifting the rows after it', async () => {
    const file = join(dir, 'cuts.csv');
    writeFileSync(file, [
      'id,note',
      'a1,ok',
      `a2,"${'q'.repeat(40)}\n${'q'.repeat(40)}"`, // quoted, over two lines
      `a3,${'u'.repeat(80)}`, // unquoted
      `a4,"${'""'.repeat(40)}"`, // escaped quotes only
      `a5,"x","${'z'.repeat(60)}\n\n"`, // too many fields, and two line breaks cut off
      'a6,last',
      '',
    ].join('\n'));
    const source = await csvSource(file, { operation: 'bulk_identify_customers', maxRecordBytes: 32 });
    const rows: Row[] = [];
    for await (const row of source.rows) rows.push(row);
    expect(rows.map((r) => [r.line, r.failure?.reason ?? 'ok'])).toEqual([[2, 'ok'], [3, 'invalid'], [5, 'invalid'], [6, 'invalid'], [7, 'invalid'], [10, 'ok']]);
    expect(rows.at(-1)!.item).toEqual({ identifiers: { id: 'a6' }, attributes: { note: 'last' } });
    expect(rows[1]!.failure!.message).toContain('larger than');
  });
});

describe('text that is not UTF-8', () => {
  it('is refused in a CSV cell naming the line and column, never sent with U+FFFD', async () => {
    const file = join(dir, 'latin1.csv');
    writeFileSync(file, Buffer.concat([Buffer.from('id,name,city\nu1,'), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from(',Lisboa\nu2,café,Porto\n')]));
    const { summary, exitCode } = await importFile('bulk_identify_customers', file);
    expect(exitCode).toBe(1);
    expect(summary).toMatchObject({ read: 2, accepted: 1, failed: 1 });
    expect(wire()).toEqual([expect.objectContaining({ identifiers: { id: 'u2' }, attributes: { name: 'café', city: 'Porto' } })]);
    expect(server.seen.every((s) => !s.body.includes('\uFFFD'))).toBe(true);
    const [record] = failedRecords(summary.failed_file!);
    expect(record).toMatchObject({ line: 2, reason: 'invalid_utf8', message: 'column 2 ("name") is not UTF-8: byte 4 (character 4) of the cell starts an invalid sequence; if the file was saved as Windows-1252 or Latin-1 (Excel\'s "CSV" on Windows), import it with --encoding windows-1252; else save it as UTF-8' });
  });

  it('is refused in an NDJSON line naming the line and the byte', async () => {
    const file = join(dir, 'latin1.ndjson');
    const second = Buffer.concat([Buffer.from('{"identifiers":{"id":"u2"},"attributes":{"note":"é\uFFFD '), Buffer.from([0xff]), Buffer.from('"}}')]);
    writeFileSync(file, Buffer.concat([Buffer.from('{"identifiers":{"id":"u1"}}\n'), second, Buffer.from('\n{"identifiers":{"id":"u3"}}\n')]));
    const { summary } = await importFile('bulk_identify_customers', file);
    expect(summary).toMatchObject({ read: 3, accepted: 2, failed: 1 });
    const byte = second.indexOf(0xff) + 1;
    const [record] = failedRecords(summary.failed_file!);
    // A literal U+FFFD before it is text like any other: the position is that of the 0xFF byte.
    expect(record).toMatchObject({ line: 2, reason: 'invalid_utf8', message: `line 2 is not UTF-8: byte ${byte} (character ${byte - 1 - 2}) of the line starts an invalid sequence; save the file as UTF-8` });
    expect(wire().map((e) => e.identifiers.id)).toEqual(['u1', 'u3']);
  });

  it('is refused as a usage error in the CSV header, as is a UTF-16 file', async () => {
    const header = join(dir, 'bad-header.csv');
    writeFileSync(header, Buffer.concat([Buffer.from('id,n'), Buffer.from([0xe9]), Buffer.from('\nu1,x\n')]));
    await expect(importFile('bulk_identify_customers', header)).rejects.toThrow('the CSV header is not UTF-8: column 2');
    const utf16 = join(dir, 'utf16.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,plan\nu1,pro\n', 'utf16le')]));
    await expect(importFile('bulk_identify_customers', utf16)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('column names', () => {
  it('keeps __proto__, constructor and toString as ordinary attributes on the wire', async () => {
    const file = join(dir, 'proto.csv');
    writeFileSync(file, 'id,__proto__,constructor,toString\nu1,p1,c1,t1\n');
    const { summary, exitCode } = await importFile('bulk_identify_customers', file);
    expect(exitCode).toBe(0);
    expect(summary).toMatchObject({ read: 1, accepted: 1 });
    const [sent] = wire();
    expect(Object.entries(sent!.attributes!)).toEqual([['__proto__', 'p1'], ['constructor', 'c1'], ['toString', 't1']]);
    expect(server.seen[0]!.body).toContain('"attributes":{"__proto__":"p1","constructor":"c1","toString":"t1"}');
  });
});

describe('several identifier columns', () => {
  const file = join(dir, 'identifiers.csv');
  beforeAll(() => {
    writeFileSync(file, [
      'id,cio_id,email,phone,plan',
      'u1,,u1@example.com,,pro', // id, then email as an attribute
      ',,u2@example.com,+15550002,pro', // email, phone as an attribute
      ',c3,,+15550003,pro', // cio_id before phone
      ',,,+15550004,pro', // phone
      ',,,,pro', // none
      '',
    ].join('\n'));
  });

  it('identifies by the first filled of id, cio_id, email, phone and sends the others as attributes', async () => {
    const { summary, exitCode } = await importFile('bulk_identify_customers', file);
    expect(exitCode).toBe(1);
    expect(summary).toMatchObject({ read: 5, accepted: 4, failed: 1, identified_by: { id: 1, email: 1, cio_id: 1, phone: 1 } });
    expect(wire().map((e) => [e.identifiers, e.attributes])).toEqual([
      [{ id: 'u1' }, { plan: 'pro', email: 'u1@example.com' }],
      [{ email: 'u2@example.com' }, { plan: 'pro', phone: '+15550002' }],
      [{ cio_id: 'c3' }, { plan: 'pro', phone: '+15550003' }],
      [{ phone: '+15550004' }, { plan: 'pro' }],
    ]);
    expect(failedRecords(summary.failed_file!)).toEqual([
      expect.objectContaining({ line: 6, field: 'identifiers', message: 'no identifier: fill in one of id, cio_id, email, phone (or name the column to use with --identifier)' }),
    ]);
  });

  it('identifies by the --identifier column when one is named', async () => {
    const { summary } = await importFile('bulk_identify_customers', file, '--identifier', 'email');
    expect(summary).toMatchObject({ read: 5, accepted: 2, failed: 3, identified_by: { email: 2 } });
    expect(wire().map((e) => [e.identifiers, e.attributes])).toEqual([
      [{ email: 'u1@example.com' }, { plan: 'pro', id: 'u1' }],
      [{ email: 'u2@example.com' }, { plan: 'pro', phone: '+15550002' }],
    ]);
    expect(failedRecords(summary.failed_file!).map((r) => [r.line, r.message])).toEqual([4, 5, 6].map((line) => [line, 'the --identifier column "email" is empty on this row']));
  });
});

describe('a CSV that fails for a reason a flag fixes says which flag', () => {
  const people = (name: string, content: string | Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it.each([
    ['separated by ";" (Excel where the decimal mark is a comma)', 'semicolon.csv', 'id;email;plan\nu1;ada@example.com;"pro;yearly"\n', ['--delimiter', ';'], 'the header looks separated by ";", so import it with --delimiter \';\''],
    ['separated by tabs', 'tabs.csv', 'id\temail\tplan\nu1\tada@example.com\tpro;yearly\n', ['--delimiter', 'tab'], 'the header looks separated by tabs, so import it with --delimiter tab'],
    ['with its own column names', 'own-names.csv', 'user_id,email_address,plan\nu1,ada@example.com,pro;yearly\n', ['--column', 'user_id=id', '--column', 'email_address=email'], 'if "user_id" identifies the person, import with --column user_id=id'],
  ])('a file %s: refused before anything is sent, naming the flag; with it, imported', async (_what, name, content, flags, hint) => {
    const file = people(name, content);
    const refused = importFile('bulk_identify_customers', file);
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(hint);
    expect(server.seen).toEqual([]);
    const { summary, exitCode } = await importFile('bulk_identify_customers', file, ...flags);
    expect({ exitCode, accepted: summary.accepted }).toEqual({ exitCode: 0, accepted: 1 });
    expect(wire()).toEqual([expect.objectContaining({ identifiers: { id: 'u1' }, attributes: { email: 'ada@example.com', plan: 'pro;yearly' } })]);
  });

  it('a Windows-1252 file: each row names --encoding windows-1252; with it, the accents arrive as written', async () => {
    const file = people('windows-1252.csv', Buffer.concat([Buffer.from('id,name,note\nu1,Ren'), Buffer.from([0xe9]), Buffer.from(','), Buffer.from([0x80]), Buffer.from('5 off\n')]));
    const { summary } = await importFile('bulk_identify_customers', file);
    expect(failedRecords(summary.failed_file!)[0]!.message).toContain('import it with --encoding windows-1252');
    const fixed = await importFile('bulk_identify_customers', file, '--encoding', 'windows-1252');
    expect(fixed.exitCode).toBe(0);
    expect(wire()).toEqual([expect.objectContaining({ identifiers: { id: 'u1' }, attributes: { name: 'René', note: '€5 off' } })]);
  });

  it('a UTF-16 file (Excel\'s "Unicode text"): refused naming --encoding utf-16le; with it (and tabs), imported', async () => {
    const file = people('unicode-text.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id\tname\nu1\tZoë\n', 'utf16le')]));
    await expect(importFile('bulk_identify_customers', file)).rejects.toThrow('import it with --encoding utf-16le, or save it as UTF-8');
    const fixed = await importFile('bulk_identify_customers', file, '--encoding', 'utf-16le', '--delimiter', 'tab');
    expect(fixed.exitCode).toBe(0);
    expect(wire()).toEqual([expect.objectContaining({ identifiers: { id: 'u1' }, attributes: { name: 'Zoë' } })]);
  });

  it('an events file whose name column is called "event": refused naming --column event=name; with it, imported', async () => {
    const file = people('events-own-names.csv', 'id,event,total\nu1,purchase,9.5\n');
    await expect(importFile('bulk_track_events', file)).rejects.toThrow('a CSV of events needs a "name" column (it has "id", "event", "total"); if "event" holds the event\'s name, import with --column event=name');
    const fixed = await importFile('bulk_track_events', file, '--column', 'event=name');
    expect(fixed.exitCode).toBe(0);
    expect(wire()).toEqual([expect.objectContaining({ identifiers: { id: 'u1' }, name: 'purchase' })]);
  });

  it('two columns differing only in case: refused naming --column to tell them apart', async () => {
    const file = people('case-twins.csv', 'id,Email,email\nu1,ada@example.com,ada@work.example\n');
    await expect(importFile('bulk_identify_customers', file)).rejects.toThrow('the CSV header names the column "email" twice (columns 2 and 3); give one of them another name with --column, such as --column email=email_2');
    const fixed = await importFile('bulk_identify_customers', file, '--column', 'email=work_email');
    expect(fixed.exitCode).toBe(0);
    expect(wire()).toEqual([expect.objectContaining({ identifiers: { id: 'u1' }, attributes: { Email: 'ada@example.com', work_email: 'ada@work.example' } })]);
  });

  it('a file without a header row is told to add one (no flag can guess the names)', async () => {
    const file = people('no-header.csv', 'u1,ada@example.com,pro\n');
    await expect(importFile('bulk_identify_customers', file)).rejects.toThrow('the first row looks like data: add a header row naming the columns (id, email…)');
  });

  it('refuses a flag it cannot use, and --column naming no column of the file', async () => {
    const file = people('plain.csv', 'id,plan\nu1,pro\n');
    await expect(importFile('bulk_identify_customers', file, '--delimiter', 'ab')).rejects.toThrow('--delimiter must be one character');
    await expect(importFile('bulk_identify_customers', file, '--encoding', 'ebcdic')).rejects.toThrow('--encoding must be one of utf-8, windows-1252, utf-16le, utf-16be');
    await expect(importFile('bulk_identify_customers', file, '--column', 'user_id=id')).rejects.toThrow('--column user_id=id: the CSV header has no column "user_id" (it has "id", "plan")');
    expect(server.seen).toEqual([]);
  });
});
