//! The spreadsheets of the person import: the `.xlsx` template
//! getTemplateExcel answers, and the rows of an uploaded `.xlsx` or CSV.
//!
//! Workbooks are written with *stored* (uncompressed) ZIP entries, which
//! every spreadsheet program opens. Uploaded ones are read whether their
//! entries are stored or *deflated* (ZIP method 8, what Excel, WPS and
//! LibreOffice save), with or without data descriptors. An entry that would
//! inflate to more than [`MAX_INFLATED_BYTES`] is refused rather than
//! inflated (a zip bomb), as are other compression methods, encrypted
//! entries and entries whose CRC-32 does not match.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;

/// The most one entry of an uploaded workbook may inflate to: 64 MiB, far
/// above any person list (a worksheet of 100 000 rows of eight columns is
/// some 25 MiB of XML), far below what would strain the sandbox.
pub(super) const MAX_INFLATED_BYTES: u64 = 64 << 20;

/// The rows of the first worksheet (or of the CSV), header first; every row
/// as long as it is in the file.
pub(super) type Rows = Vec<Vec<String>>;

/// Why an upload cannot be read at all.
pub(super) type Unreadable = String;

/// The rows of an uploaded `.xlsx` (a ZIP) or CSV (UTF-8, BOM optional).
pub(super) fn read_rows(file: &[u8]) -> Result<Rows, Unreadable> {
    read_rows_within(file, MAX_INFLATED_BYTES)
}

/// [`read_rows`], inflating no entry beyond `limit` bytes.
fn read_rows_within(file: &[u8], limit: u64) -> Result<Rows, Unreadable> {
    if file.starts_with(b"PK\x03\x04") {
        return read_xlsx(file, limit);
    }
    if file.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE compound file: an .xls, or an .xlsx Excel encrypted with a
        // password (which wraps the ZIP in one).
        return Err(
            "the file is an Excel 97-2003 workbook (.xls) or a password-protected workbook; \
             upload an .xlsx without a password, or CSV"
                .into(),
        );
    }
    let text = std::str::from_utf8(file)
        .map_err(|_| "the file is neither an .xlsx workbook nor UTF-8 CSV".to_owned())?;
    Ok(read_csv(text.trim_start_matches('\u{feff}')))
}

/// CSV as RFC 4180 has it: `,` between fields, `"` quoting (`""` inside),
/// CRLF or LF between records.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

// ---------------------------------------------------------------------------
// ZIP
// ---------------------------------------------------------------------------

/// CRC-32 (IEEE), as ZIP stores it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// A ZIP of stored entries.
fn write_zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let (crc, size) = (crc32(data), data.len() as u32);
        // version 20, flags 0x0800 (UTF-8 names), method 0 (stored), time
        // and date 0 (1980-00-00, which readers accept).
        let common = |b: &mut Vec<u8>| {
            b.extend_from_slice(&20u16.to_le_bytes());
            b.extend_from_slice(&0x0800u16.to_le_bytes());
            b.extend_from_slice(&0u16.to_le_bytes());
            b.extend_from_slice(&0u32.to_le_bytes());
            b.extend_from_slice(&crc.to_le_bytes());
            b.extend_from_slice(&size.to_le_bytes());
            b.extend_from_slice(&size.to_le_bytes());
            b.extend_from_slice(&(name.len() as u16).to_le_bytes());
            b.extend_from_slice(&0u16.to_le_bytes());
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes());
        common(&mut central);
        // comment length, disk, internal and external attributes
        central.extend_from_slice(&[0; 10]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (at, len) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// One entry of a ZIP's central directory.
struct Entry<'a> {
    name: String,
    /// General purpose flags; bit 0: encrypted.
    flags: u16,
    /// 0 stored, 8 deflated (others are refused).
    method: u16,
    /// CRC-32 of the uncompressed contents.
    crc: u32,
    /// The entry as in the file (compressed if `method` says so).
    data: &'a [u8],
}

impl<'a> Entry<'a> {
    /// The uncompressed contents, inflated if need be, at most `limit`
    /// bytes of them.
    fn contents(&self, limit: u64) -> Result<Cow<'a, [u8]>, Unreadable> {
        let name = &self.name;
        if self.flags & 1 != 0 {
            return Err(format!(
                "{name} in the .xlsx workbook is encrypted; upload it without a password, or CSV"
            ));
        }
        let contents = match self.method {
            0 => Cow::Borrowed(self.data),
            8 => {
                let mut out = Vec::new();
                // One byte past the limit tells a stream of exactly `limit`
                // bytes from a longer one, without inflating the rest.
                flate2::read::DeflateDecoder::new(self.data)
                    .take(limit.saturating_add(1))
                    .read_to_end(&mut out)
                    .map_err(|e| format!("{name} in the .xlsx workbook cannot be inflated: {e}"))?;
                if out.len() as u64 > limit {
                    return Err(format!(
                        "{name} in the .xlsx workbook inflates to more than {} bytes ({} MiB), \
                         the most the sandbox inflates of one entry: refused as a possible zip bomb",
                        limit,
                        limit >> 20
                    ));
                }
                Cow::Owned(out)
            }
            method => {
                return Err(format!(
                    "{name} in the .xlsx workbook is compressed with ZIP method {method}; \
                     the sandbox reads stored (0) and deflated (8) entries: save it again \
                     as .xlsx, or upload CSV"
                ));
            }
        };
        // A truncated deflate stream ends early without an error: the CRC
        // catches it, and any other damage.
        if crc32(&contents) != self.crc {
            return Err(format!(
                "{name} in the .xlsx workbook is damaged (its CRC-32 does not match)"
            ));
        }
        Ok(contents)
    }
}

/// The entries of a ZIP, read from its central directory.
fn zip_entries(zip: &[u8]) -> Option<Vec<Entry<'_>>> {
    // The end record is in the last 22 + 65535 bytes (its comment).
    let from = zip.len().saturating_sub(22 + 0xFFFF);
    let end = (from..=zip.len().saturating_sub(22))
        .rev()
        .find(|&i| zip.get(i..i + 4) == Some(b"PK\x05\x06"))?;
    let count = usize::from(u16_at(zip, end + 10)?);
    let mut at = u32_at(zip, end + 16)? as usize;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        if zip.get(at..at + 4)? != b"PK\x01\x02" {
            return None;
        }
        let flags = u16_at(zip, at + 8)?;
        let method = u16_at(zip, at + 10)?;
        let crc = u32_at(zip, at + 16)?;
        // The central directory has the sizes and CRC even when the local
        // header leaves them 0 for a data descriptor after the data.
        let size = u32_at(zip, at + 20)? as usize;
        let name_len = usize::from(u16_at(zip, at + 28)?);
        let extra_len = usize::from(u16_at(zip, at + 30)?);
        let comment_len = usize::from(u16_at(zip, at + 32)?);
        let local = u32_at(zip, at + 42)? as usize;
        let name = String::from_utf8_lossy(zip.get(at + 46..at + 46 + name_len)?).into_owned();
        if zip.get(local..local + 4)? != b"PK\x03\x04" {
            return None;
        }
        let start = local
            + 30
            + usize::from(u16_at(zip, local + 26)?)
            + usize::from(u16_at(zip, local + 28)?);
        entries.push(Entry {
            name,
            flags,
            method,
            crc,
            data: zip.get(start..start.checked_add(size)?)?,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(entries)
}

// ---------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `A` → 0, `Z` → 25, `AA` → 26: the column of a cell reference.
fn column_index(reference: &str) -> Option<usize> {
    let letters: String = reference
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let n = letters.bytes().fold(0usize, |n, b| {
        n * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1
    });
    Some(n - 1)
}

fn column_name(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// A workbook of one worksheet, `人员信息`, holding `rows` as text
/// cells (inline strings, so no shared-string table is needed), with
/// stored ZIP entries.
pub(super) fn write_xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, value) in row.iter().enumerate() {
            sheet.push_str(&format!(
                r#"<c r="{}{}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                column_name(c),
                r + 1,
                xml_escape(value)
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let part = |s: &str| s.as_bytes().to_vec();
    write_zip(&[
        (
            "[Content_Types].xml",
            part(concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
                r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
                r#"<Default Extension="xml" ContentType="application/xml"/>"#,
                r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
                r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
                r#"</Types>"#
            )),
        ),
        (
            "_rels/.rels",
            part(concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#,
                r#"</Relationships>"#
            )),
        ),
        (
            "xl/workbook.xml",
            part(concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
                r#"<sheets><sheet name="人员信息" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            )),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            part(concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
                r#"</Relationships>"#
            )),
        ),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ])
}

/// Resolves the five predefined entities and numeric references.
fn xml_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The elements named `tag` in `xml`, as (attributes, content); an
/// empty element (`<c r="A1"/>`) has empty content.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(&open) {
        rest = &rest[at + open.len()..];
        // `<c` must not match `<cols`.
        if !rest.starts_with([' ', '>', '/', '\t', '\r', '\n']) {
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let attrs = &rest[..gt];
        if attrs.ends_with('/') {
            out.push((attrs.trim_end_matches('/'), ""));
            rest = &rest[gt + 1..];
            continue;
        }
        let body = &rest[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push((attrs, &body[..end]));
        rest = &body[end + close.len()..];
    }
    out
}

fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = format!(" {attrs}").find(&key)?;
    // `at` counts the space prepended; it lines up with `attrs` from here.
    let value = &attrs[at + key.len() - 1..];
    value.split('"').next()
}

/// All the text of the `<t>` elements in `xml` (a rich-text string has
/// several), less those of phonetic runs (`<rPh>`, the furigana Excel keeps
/// beside East Asian text), which annotate the text and are no part of it.
fn text_of(xml: &str) -> String {
    const CLOSE: &str = "</rPh>";
    let mut kept = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find("<rPh") {
        let Some(len) = rest[at..].find(CLOSE) else {
            break;
        };
        kept.push_str(&rest[..at]);
        rest = &rest[at + len + CLOSE.len()..];
    }
    kept.push_str(rest);
    elements(&kept, "t")
        .into_iter()
        .map(|(_, t)| xml_unescape(t))
        .collect()
}

fn read_xlsx(file: &[u8], limit: u64) -> Result<Rows, Unreadable> {
    let entries = zip_entries(file).ok_or("the .xlsx workbook is not a readable ZIP file")?;
    let by_name: HashMap<&str, &Entry<'_>> = entries.iter().map(|e| (e.name.as_str(), e)).collect();
    // The first worksheet: `sheet1.xml` as every program names it, or the
    // first one listed.
    let sheet = by_name
        .get("xl/worksheets/sheet1.xml")
        .copied()
        .or_else(|| {
            entries
                .iter()
                .find(|e| e.name.starts_with("xl/worksheets/") && e.name.ends_with(".xml"))
        })
        .ok_or("the .xlsx workbook has no worksheet")?;
    let shared = by_name.get("xl/sharedStrings.xml").copied();
    let text = |e: &Entry<'_>| {
        String::from_utf8(e.contents(limit)?.into_owned())
            .map_err(|_| format!("{} in the .xlsx workbook is not UTF-8", e.name))
    };
    let strings: Vec<String> = match shared {
        Some(s) => elements(&text(s)?, "si")
            .into_iter()
            .map(|(_, si)| text_of(si))
            .collect(),
        None => Vec::new(),
    };
    let xml = text(sheet)?;
    let mut rows = Vec::new();
    for (attrs, row) in elements(&xml, "row") {
        // Spreadsheet programs leave empty rows out: the number `r` keeps
        // the rows after one where the user sees them (within the
        // 1 048 576 rows a worksheet has).
        let number = attribute(attrs, "r")
            .and_then(|r| r.trim().parse::<usize>().ok())
            .filter(|&r| (rows.len() + 1..=1 << 20).contains(&r));
        if let Some(r) = number {
            rows.resize(r - 1, Vec::new());
        }
        let mut cells: Vec<String> = Vec::new();
        for (attrs, content) in elements(row, "c") {
            let value = match attribute(attrs, "t") {
                Some("inlineStr") => text_of(content),
                Some("s") => {
                    let v = elements(content, "v").first().map_or("", |(_, v)| v);
                    v.trim()
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| strings.get(i))
                        .cloned()
                        .unwrap_or_default()
                }
                _ => elements(content, "v")
                    .first()
                    .map(|(_, v)| xml_unescape(v))
                    .unwrap_or_default(),
            };
            let column = attribute(attrs, "r")
                .and_then(column_index)
                .unwrap_or(cells.len());
            if column >= cells.len() {
                cells.resize(column + 1, String::new());
            }
            cells[column] = value;
        }
        rows.push(cells);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn crc32_is_the_ieee_one() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn a_written_workbook_reads_back() {
        let written = rows(&[
            &["人员编码*", "人员名称*", "备注"],
            &["E1", "A & <B>", "\"quoted\""],
            &["", "", ""],
        ]);
        let file = write_xlsx(&written);
        assert!(file.starts_with(b"PK\x03\x04"));
        assert_eq!(read_rows(&file), Ok(written));
    }

    #[test]
    fn shared_strings_and_sparse_cells_are_read() {
        let shared = r#"<sst><si><t>人员编码</t></si><si><r><t>E</t></r><r><t xml:space="preserve">7</t></r></si></sst>"#;
        let sheet = r#"<worksheet><cols><col min="1"/></cols><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="C2"><v>42</v></c><c r="D2"/></row></sheetData></worksheet>"#;
        let file = write_zip(&[
            ("xl/sharedStrings.xml", shared.as_bytes().to_vec()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes().to_vec()),
        ]);
        assert_eq!(
            read_rows(&file),
            Ok(rows(&[&["人员编码"], &["E7", "", "42", ""]]))
        );
    }

    /// A ZIP of deflated entries as Excel writes it: general purpose flag
    /// bit 3, so the local headers have zeros for CRC and sizes, and a data
    /// descriptor after each entry's data; the central directory has them.
    fn deflated_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use flate2::{Compression, write::DeflateEncoder};
        use std::io::Write;

        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
            encoder.write_all(data).unwrap();
            let packed = encoder.finish().unwrap();
            let sizes = [crc32(data), packed.len() as u32, data.len() as u32];
            let header = |b: &mut Vec<u8>, sizes: [u32; 3]| {
                b.extend_from_slice(&20u16.to_le_bytes());
                b.extend_from_slice(&0x0808u16.to_le_bytes());
                b.extend_from_slice(&8u16.to_le_bytes());
                b.extend_from_slice(&0u32.to_le_bytes());
                for v in sizes {
                    b.extend_from_slice(&v.to_le_bytes());
                }
                b.extend_from_slice(&(name.len() as u16).to_le_bytes());
                b.extend_from_slice(&0u16.to_le_bytes());
            };
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04");
            header(&mut out, [0; 3]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&packed);
            out.extend_from_slice(b"PK\x07\x08");
            for v in sizes {
                out.extend_from_slice(&v.to_le_bytes());
            }
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&20u16.to_le_bytes());
            header(&mut central, sizes);
            central.extend_from_slice(&[0; 10]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let (at, len) = (out.len() as u32, central.len() as u32);
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    /// The offsets of every local (`PK\x03\x04`) or central (`PK\x01\x02`)
    /// header in `zip`.
    fn headers(zip: &[u8], signature: &[u8; 4]) -> Vec<usize> {
        (0..zip.len() - 4)
            .filter(|&i| &zip[i..i + 4] == signature)
            .collect()
    }

    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    #[test]
    fn a_workbook_as_excel_saves_it_reads() {
        // The parts and markup Excel writes: shared strings (one rich, with
        // a phonetic run), styles on cells, an inline string, a number, a
        // formula with its cached text, a boolean, a row left out (blank).
        let shared = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{MAIN}" count="9" uniqueCount="8"><si><t>人员编码*</t></si><si><t>人员名称*</t></si><si><t>人员类型*</t></si><si><t>人员状态</t></si><si><t>手机号码*</t></si><si><t>组织编码*</t></si><si><t>N0001</t></si><si><r><rPr><b/><sz val="11"/><rFont val="宋体"/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>チョウ</t></rPh><phoneticPr fontId="1" type="noConversion"/></si></sst>"#
        );
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><dimension ref="A1:F4"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="13.5" x14ac:dyDescent="0.15"/><cols><col min="1" max="6" width="14" customWidth="1"/></cols><sheetData><row r="1" spans="1:6" x14ac:dyDescent="0.15"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1" t="s"><v>1</v></c><c r="C1" s="1" t="s"><v>2</v></c><c r="D1" s="1" t="s"><v>3</v></c><c r="E1" s="1" t="s"><v>4</v></c><c r="F1" s="1" t="s"><v>5</v></c></row><row r="2" spans="1:6"><c r="A2" t="s"><v>6</v></c><c r="B2" t="s"><v>7</v></c><c r="C2"><v>1</v></c><c r="D2" s="2"/><c r="E2" s="3"><v>13800138000</v></c><c r="F2" t="inlineStr"><is><t>R&amp;D</t></is></c></row><row r="4" spans="1:6"><c r="A4" t="str"><f>A2&amp;"X"</f><v>N0001X</v></c><c r="B4" t="s"><v>6</v></c><c r="C4" t="b"><v>1</v></c><c r="E4"><v>2.5</v></c></row></sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#
        );
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="人员信息" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        let styles = format!(r#"<styleSheet xmlns="{MAIN}"><cellXfs count="4"/></styleSheet>"#);
        let file = deflated_zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("docProps/app.xml", b"<Properties/>"),
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/styles.xml", styles.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
            ("xl/sharedStrings.xml", shared.as_bytes()),
        ]);
        assert_eq!(
            read_rows(&file),
            Ok(rows(&[
                &[
                    "人员编码*",
                    "人员名称*",
                    "人员类型*",
                    "人员状态",
                    "手机号码*",
                    "组织编码*"
                ],
                &["N0001", "张三 ", "1", "", "13800138000", "R&D"],
                &[],
                &["N0001X", "N0001", "1", "", "2.5"],
            ]))
        );
    }

    #[test]
    fn inflating_stops_at_the_limit() {
        let mut sheet = String::from(
            r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#,
        );
        sheet.push_str(&" ".repeat(5000));
        sheet.push_str("</worksheet>");
        let file = deflated_zip(&[("xl/worksheets/sheet1.xml", sheet.as_bytes())]);
        let len = sheet.len() as u64;
        assert_eq!(read_rows_within(&file, len), Ok(rows(&[&["x"]])));
        let refused = read_rows_within(&file, len - 1).unwrap_err();
        assert!(refused.contains("zip bomb"), "{refused}");
        assert!(
            refused.contains(&format!("more than {} bytes", len - 1)),
            "{refused}"
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_at_64_mib() {
        // 64 MiB and a byte of one repeated byte deflate to about 64 KiB.
        let bomb = vec![b' '; (MAX_INFLATED_BYTES + 1) as usize];
        let file = deflated_zip(&[("xl/worksheets/sheet1.xml", &bomb)]);
        assert!(file.len() < 1 << 20, "{}", file.len());
        let refused = read_rows(&file).unwrap_err();
        assert!(refused.contains("(64 MiB)"), "{refused}");
        assert!(refused.contains("zip bomb"), "{refused}");
    }

    #[test]
    fn entries_the_sandbox_cannot_inflate_are_refused() {
        let file = deflated_zip(&[("xl/worksheets/sheet1.xml", b"<sheetData/>")]);
        let central = headers(&file, b"PK\x01\x02")[0];

        let mut other_method = file.clone();
        other_method[central + 10] = 12; // bzip2
        let refused = read_rows(&other_method).unwrap_err();
        assert!(refused.contains("ZIP method 12"), "{refused}");

        let mut encrypted = file.clone();
        encrypted[central + 8] |= 1;
        let refused = read_rows(&encrypted).unwrap_err();
        assert!(refused.contains("encrypted"), "{refused}");

        let mut damaged = file.clone();
        damaged[central + 16] ^= 0xFF; // the CRC
        let refused = read_rows(&damaged).unwrap_err();
        assert!(refused.contains("CRC-32"), "{refused}");

        // Stored XML labelled deflated is no deflate stream.
        let mut mislabelled = write_xlsx(&rows(&[&["a"]]));
        for at in headers(&mislabelled, b"PK\x03\x04") {
            mislabelled[at + 8] = 8;
        }
        for at in headers(&mislabelled, b"PK\x01\x02") {
            mislabelled[at + 10] = 8;
        }
        let refused = read_rows(&mislabelled).unwrap_err();
        assert!(refused.contains("xl/worksheets/sheet1.xml"), "{refused}");
    }

    #[test]
    fn broken_files_are_refused_without_panicking() {
        assert!(read_rows(b"PK\x03\x04truncated").is_err());
        assert!(read_rows(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).is_err());
        assert!(read_rows(&[0xFF, 0xFE, 0x00]).is_err());
        let file = write_xlsx(&rows(&[&["a", "b"]]));
        for cut in [10, 40, file.len() / 2, file.len() - 5] {
            let _ = read_rows(&file[..cut]);
        }
        // A deflated entry cut short in place (the directory intact).
        let file = deflated_zip(&[(
            "xl/worksheets/sheet1.xml",
            "<row>x</row>".repeat(50).as_bytes(),
        )]);
        let data = 30 + "xl/worksheets/sheet1.xml".len();
        for end in data..file.len() {
            let mut broken = file.clone();
            broken[end..].fill(0);
            let _ = read_rows(&broken);
        }
        let mut corrupted = file.clone();
        corrupted[data + 10] ^= 0x55;
        assert!(read_rows(&corrupted).is_err());
    }

    #[test]
    fn csv_reads_quotes_bom_and_line_ends() {
        let text = "\u{feff}人员编码,角色编码\r\nE1,\"A,B\"\nE2,\"say \"\"hi\"\"\"\r\n";
        assert_eq!(
            read_rows(text.as_bytes()),
            Ok(rows(&[
                &["人员编码", "角色编码"],
                &["E1", "A,B"],
                &["E2", "say \"hi\""],
            ]))
        );
    }

    #[test]
    fn column_names_round_trip() {
        for i in [0, 25, 26, 27, 701, 702] {
            assert_eq!(column_index(&column_name(i)), Some(i));
        }
        assert_eq!(column_index("AB12"), Some(27));
        assert_eq!(column_index("12"), None);
    }
}
