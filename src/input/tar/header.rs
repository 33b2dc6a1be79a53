//! The blocks of a tar: ustar, GNU and old-style headers, and PAX records.

/// A tar's block size.
pub const BLOCK: usize = 512;

/// A PAX header's `key=value` records.
pub type PaxRecords = Vec<(Vec<u8>, Vec<u8>)>;

/// The raw fields of a header block.
pub struct Header {
    pub name: Vec<u8>,
    pub link: Vec<u8>,
    pub kind: u8,
    pub size: u64,
}

/// The fields of a ustar, GNU or old-style header block; its checksum checked.
pub fn parse_header(block: &[u8; BLOCK]) -> Result<Header, String> {
    let stored = number(&block[148..156]).map_err(|e| format!("header checksum: {e}"))?;
    // The sum of the bytes with the checksum field as spaces; some writers summed
    // them as signed bytes.
    let (mut unsigned, mut signed) = (0u64, 0i64);
    for (i, &b) in block.iter().enumerate() {
        let (u, s) = if (148..156).contains(&i) {
            (32, 32)
        } else {
            (u64::from(b), i64::from(b as i8))
        };
        unsigned += u;
        signed += s;
    }
    if stored != unsigned && i64::try_from(stored).ok() != Some(signed) {
        return Err("bad header checksum".into());
    }
    let field = |r: std::ops::Range<usize>| {
        let f = &block[r];
        f[..f.iter().position(|&b| b == 0).unwrap_or(f.len())].to_vec()
    };
    let mut name = field(0..100);
    // POSIX ustar keeps a path's leading part in `prefix`; GNU headers use those bytes
    // for other things.
    if &block[257..263] == b"ustar\0" {
        let prefix = field(345..500);
        if !prefix.is_empty() {
            name = [prefix, b"/".to_vec(), name].concat();
        }
    }
    Ok(Header {
        name,
        link: field(157..257),
        kind: block[156],
        size: number(&block[124..136]).map_err(|e| format!("entry size: {e}"))?,
    })
}

/// A numeric header field: octal digits (spaces and NULs around them), or GNU's
/// base-256 (high bit of the first byte set).
fn number(field: &[u8]) -> Result<u64, String> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        if field[0] & 0x40 != 0 {
            return Err("negative".into());
        }
        let mut v: u64 = u64::from(field[0] & 0x3f);
        for &b in &field[1..] {
            v = v
                .checked_mul(256)
                .and_then(|v| v.checked_add(u64::from(b)))
                .ok_or("too large")?;
        }
        return Ok(v);
    }
    let text = String::from_utf8_lossy(field);
    let digits = text.trim_matches(|c: char| c == ' ' || c == '\0');
    if digits.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(digits, 8).map_err(|_| format!("not an octal number: `{digits}`"))
}

/// The `key=value` records of a PAX header (`<len> <key>=<value>\n` each).
pub fn parse_pax(mut data: &[u8]) -> Result<PaxRecords, String> {
    let mut out = Vec::new();
    while !data.is_empty() && data.iter().any(|&b| b != 0) {
        let bad = || "a malformed PAX record".to_string();
        let space = data.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let len: usize = std::str::from_utf8(&data[..space])
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|&l| l > space + 1 && l <= data.len())
            .ok_or_else(bad)?;
        let record = &data[space + 1..len];
        let record = record.strip_suffix(b"\n").ok_or_else(bad)?;
        let eq = record.iter().position(|&b| b == b'=').ok_or_else(bad)?;
        out.push((record[..eq].to_vec(), record[eq + 1..].to_vec()));
        data = &data[len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_octal_or_base_256() {
        assert_eq!(number(b"00000001750\0"), Ok(1000));
        assert_eq!(number(b"     1750 \0"), Ok(1000));
        let mut big = [0u8; 12];
        big[0] = 0x80;
        big[11] = 7;
        assert_eq!(number(&big), Ok(7));
        assert!(number(&[0xff; 12]).is_err());
        assert!(number(b"12x\0").is_err());
    }

    #[test]
    fn pax_records_are_split_and_malformed_ones_refused() {
        let recs = parse_pax(b"16 path=a/b.log\n11 size=42\n").unwrap();
        assert_eq!(recs[0], (b"path".to_vec(), b"a/b.log".to_vec()));
        assert_eq!(recs[1], (b"size".to_vec(), b"42".to_vec()));
        for bad in [&b"99 path=a\n"[..], b"x path=a\n", b"5 ab\n", b"9 path=a"] {
            assert!(parse_pax(bad).is_err(), "{bad:?}");
        }
    }
}
