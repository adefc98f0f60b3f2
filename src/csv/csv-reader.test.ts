import { describe, expect, it } from 'vitest';
import {
  CsvSyntaxError,
  readCsvRecords,
  sniffDelimiter,
  type CsvRecord,
  type Delimiter,
} from './csv-reader.ts';

async function read(
  chunks: string[],
  delimiter: Delimiter = ',',
  maxFieldLength?: number,
): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const batch of readCsvRecords(chunks, { delimiter, maxFieldLength }))
    out.push(...batch);
  return out;
}

describe('readCsvRecords', () => {
  it('reads plain lines with their line numbers, skipping empty lines', async () => {
    expect(await read(['a,b,c\n\n1,2,3\r\n4,,6,,\n'])).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 3, fields: ['1', '2', '3'] },
      { line: 4, fields: ['4', '', '6', '', ''] },
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and newlines inside', async () => {
    const text =
      'name,amount\n"Smith, J & Sons","1,234.56"\n"He said ""hi""",1\n"two\nlines",2\nlast,3';
    expect(await read([text])).toEqual([
      { line: 1, fields: ['name', 'amount'] },
      { line: 2, fields: ['Smith, J & Sons', '1,234.56'] },
      { line: 3, fields: ['He said "hi"', '1'] },
      { line: 4, fields: ['two\nlines', '2'] },
      { line: 6, fields: ['last', '3'] },
    ]);
  });

  it('joins back quoted fields cut at their delimiters, however many, beside plain ones', async () => {
    const text =
      'Wigan Council,"Adults, Health & Wellbeing",S1,"Central, North, Foods Ltd","£9,503.79",,\r\n' +
      '",",x,"a,""b""",y\n' +
      '"open, never closed,z\n';
    const records: CsvRecord[] = [];
    await expect(async () => {
      for await (const batch of readCsvRecords([text], { delimiter: ',' })) records.push(...batch);
    }).rejects.toThrow(/line 3 is never closed/);
    expect(records).toEqual([
      {
        line: 1,
        fields: [
          'Wigan Council',
          'Adults, Health & Wellbeing',
          'S1',
          'Central, North, Foods Ltd',
          '£9,503.79',
          '',
          '',
        ],
      },
      { line: 2, fields: [',', 'x', 'a,"b"', 'y'] },
    ]);
  });

  it('gives the records before a problem that comes before a NUL, whole or in chunks', async () => {
    // Found by the chunking property test: whole, the records before line 2 were lost.
    const text = '""\r\n\u0001"\n\u0000';
    for (const chunks of [[text], [text.slice(0, 4), text.slice(4)]]) {
      const records: CsvRecord[] = [];
      await expect(async () => {
        for await (const batch of readCsvRecords(chunks, { delimiter: ',', maxFieldLength: 1 }))
          records.push(...batch);
      }).rejects.toThrow('Field 1 on line 2 is longer than 1 characters.');
      expect(records).toEqual([{ line: 1, fields: [''] }]);
    }
  });

  it('keeps a stray quote inside an unquoted field, and text after a closing quote', async () => {
    expect(await read(['a,5" pipe,b\n"x"y,z\n'])).toEqual([
      { line: 1, fields: ['a', '5" pipe', 'b'] },
      { line: 2, fields: ['xy', 'z'] },
    ]);
  });

  it('reads lines of quoted values, mixed with unquoted ones, as the full parser would', async () => {
    const text = [
      '"AB1 0AA","AB1  0AA","","198001",57.101474,-2.242851',
      '"","x",""',
      '"a""b","c"',
      '"d, e","f"',
      '"g"h,"i"',
      '"j",k"l,"m"',
      '"n","o\np"',
      '"end"',
    ].join('\r\n');
    expect(await read([text])).toEqual([
      { line: 1, fields: ['AB1 0AA', 'AB1  0AA', '', '198001', '57.101474', '-2.242851'] },
      { line: 2, fields: ['', 'x', ''] },
      { line: 3, fields: ['a"b', 'c'] },
      { line: 4, fields: ['d, e', 'f'] },
      { line: 5, fields: ['gh', 'i'] },
      { line: 6, fields: ['j', 'k"l', 'm'] },
      { line: 7, fields: ['n', 'o\np'] },
      { line: 9, fields: ['end'] },
    ]);
  });

  it('gives the same records however the text is cut into chunks', async () => {
    const text = 'h1;h2;h3\r\n"a;""b""\r\nc";2;3\r\nplain;x;y\r\n"";"";""\r\n"end"';
    const whole = await read([text], ';');
    expect(whole.map((r) => r.line)).toEqual([1, 2, 4, 5, 6]);
    expect(whole[1]?.fields).toEqual(['a;"b"\r\nc', '2', '3']);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(await read([text.slice(0, cut), text.slice(cut)], ';')).toEqual(whole);
    }
    expect(await read(text.split(''), ';')).toEqual(whole);
  });

  it('reads tab-separated text', async () => {
    expect(await read(['a\tb\n1\t2\n'], '\t')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });

  it('names the line of a quote that is never closed', async () => {
    const error = await read(['a,b\n1,2\n3,"unterminated\n4,5\n']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ line: 3, field: 2 });
    expect((error as Error).message).toBe('A quoted field starting on line 3 is never closed.');
  });

  it('names the line and field of an oversized field', async () => {
    const big = 'x'.repeat(100);
    const error = await read([`a,b\n1,${big}\n`], ',', 50).catch((e: unknown) => e);
    expect(error).toMatchObject({
      line: 2,
      field: 2,
      message: 'Field 2 on line 2 is longer than 50 characters.',
    });
    const quoted = await read([`a,b\n"${big}",1\n`], ',', 50).catch((e: unknown) => e);
    expect(quoted).toMatchObject({ line: 2, field: 1 });
  });
});

describe('NUL bytes', () => {
  it('names the line and field of a NUL byte', async () => {
    const error = await read(['a,b,c\n1,2,3\n4,5', '\0x,6\n']).catch((e: unknown) => e);
    expect(error).toMatchObject({
      line: 3,
      field: 2,
      message: 'Line 3 has a NUL byte in field 2: the file is damaged or not CSV text.',
    });
  });
});

describe('sniffDelimiter', () => {
  it('finds the separator even under title lines', () => {
    expect(
      sniffDelimiter(
        'Payments over £500\n\nDate,Amount,Supplier\n01/04/2022,12.00,A\n02/04/2022,"1,300.00",B\n',
      ),
    ).toBe(',');
    expect(sniffDelimiter('Date\tAmount\tSupplier, Ltd\n01/04/2022\t12.00\tA, B\n')).toBe('\t');
    expect(sniffDelimiter('Date;Amount;Supplier\n01/04/2022;12,00;A\n02/04/2022;13,50;B\n')).toBe(
      ';',
    );
    expect(sniffDelimiter('Date|Amount|Supplier\n01/04/2022|12.00|A\n')).toBe('|');
  });

  it('finds tabs between values that are all quoted', () => {
    // Found by csv-reader.property.test.ts ('"A"\t"a"'): with the quoted values taken out, each
    // line was only tabs, dropped as blank, and the file was read as comma-separated.
    expect(sniffDelimiter('"A"\t"a"')).toBe('\t');
    expect(sniffDelimiter('"Date"\t"Amount"\r\n"01/04/2022"\t"1,300.00"\r\n')).toBe('\t');
  });
});
