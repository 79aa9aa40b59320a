//! Field encryption at rest (AES-256-GCM) and blind indexes (HMAC-SHA-256) for the sensitive
//! fields: ID numbers, phones, bank accounts.
//!
//! One 32-byte master key lives in a key file (hex), outside the database. Two keys are derived
//! from it, one to encrypt and one to index, so that the index key never decrypts anything.
//! Each value is sealed with a fresh random nonce and the column's name as associated data, so a
//! ciphertext moved into another column does not open.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::StoreError;

type HmacSha256 = Hmac<Sha256>;

const VERSION: u8 = 1;

/// The keys of one installation.
pub struct FieldCrypto {
    cipher: Aes256Gcm,
    /// The HMAC keyed with the index key, its key blocks already absorbed: cloned per value.
    index_mac: HmacSha256,
}

impl std::fmt::Debug for FieldCrypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldCrypto(..)")
    }
}

fn derive(master: &[u8; 32], label: &str) -> Zeroizing<[u8; 32]> {
    let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(master).expect("any key length");
    mac.update(label.as_bytes());
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

impl FieldCrypto {
    pub fn from_master(master: &[u8; 32]) -> FieldCrypto {
        let enc = derive(master, "shuangyong/field-encryption/v1");
        let index_key = derive(master, "shuangyong/blind-index/v1");
        FieldCrypto {
            cipher: Aes256Gcm::new_from_slice(enc.as_ref()).expect("32-byte key"),
            index_mac: <HmacSha256 as hmac::KeyInit>::new_from_slice(index_key.as_ref()).expect("any key length"),
        }
    }

    /// A new random master key, as the hex line a key file holds.
    pub fn generate_key_hex() -> String {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::RngCore::fill_bytes(&mut rand::rng(), k.as_mut());
        hex::encode(k.as_ref())
    }

    /// Reads a key file: 64 hex characters (surrounding white space ignored).
    pub fn from_key_file(path: &Path) -> Result<FieldCrypto, StoreError> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            StoreError::invalid(format!(
                "无法读取密钥文件 {}（{e}），请检查 --key-file 或 SHUANGYONG_KEY_FILE",
                path.display()
            ))
        })?);
        let bytes =
            Zeroizing::new(hex::decode(text.trim()).map_err(|_| {
                StoreError::invalid(format!("密钥文件 {} 格式不对：应为64位十六进制字符", path.display()))
            })?);
        let master: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            StoreError::invalid(format!("密钥文件 {} 长度不对：应为64位十六进制字符（32字节）", path.display()))
        })?;
        Ok(FieldCrypto::from_master(&master))
    }

    /// Creates a key file with a new key, readable by its owner only. Refuses to overwrite.
    pub fn create_key_file(path: &Path) -> Result<FieldCrypto, StoreError> {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f =
            opts.open(path).map_err(|e| StoreError::invalid(format!("无法创建密钥文件 {}（{e}）", path.display())))?;
        let key = Zeroizing::new(Self::generate_key_hex());
        writeln!(f, "{}", key.as_str()).map_err(|e| anyhow::anyhow!("write key file: {e}"))?;
        Self::from_key_file(path)
    }

    /// Seals `plain` for `column`.
    pub fn seal(&self, column: &str, plain: &str) -> Vec<u8> {
        self.seal_bytes(column, plain.as_bytes())
    }

    /// Seals bytes (an uploaded file waiting for its commit) for `column`.
    pub fn seal_bytes(&self, column: &str, plain: &[u8]) -> Vec<u8> {
        // 96 random bits from the thread's CSPRNG (ChaCha, seeded and reseeded from the OS): no
        // system call per value, which a million-row import would otherwise pay three times a row.
        let mut bytes = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let nonce = Nonce::from(bytes);
        let ct = self
            .cipher
            .encrypt(&nonce, Payload { msg: plain, aad: column.as_bytes() })
            .expect("AES-GCM encryption cannot fail for inputs below its 64 GiB limit");
        let mut out = Vec::with_capacity(1 + nonce.len() + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    /// Opens a value sealed for `column`.
    pub fn open(&self, column: &str, sealed: &[u8]) -> Result<String, StoreError> {
        String::from_utf8(self.open_bytes(column, sealed)?)
            .map_err(|_| anyhow::anyhow!("sealed {column}: not UTF-8").into())
    }

    /// Opens bytes sealed for `column`.
    pub fn open_bytes(&self, column: &str, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        if sealed.len() < 1 + 12 + 16 || sealed[0] != VERSION {
            return Err(anyhow::anyhow!("sealed {column}: bad format").into());
        }
        let nonce = Nonce::try_from(&sealed[1..13]).map_err(|_| anyhow::anyhow!("nonce"))?;
        let plain = self
            .cipher
            .decrypt(&nonce, Payload { msg: &sealed[13..], aad: column.as_bytes() })
            .map_err(|_| anyhow::anyhow!("sealed {column}: does not open with this key (wrong key file?)"))?;
        Ok(plain)
    }

    /// The blind index of a value of a kind (`id`, `id_tail4`, `phone`, …): equal values give
    /// equal indexes; nothing can be read back from it without the key.
    pub fn index(&self, kind: &str, value: &str) -> String {
        let mut mac = self.index_mac.clone();
        mac.update(kind.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crypto() -> FieldCrypto {
        FieldCrypto::from_master(&[7u8; 32])
    }

    #[test]
    fn seals_and_opens_with_a_fresh_nonce() {
        let c = crypto();
        let a = c.seal("id_number", "11010519491231002X");
        let b = c.seal("id_number", "11010519491231002X");
        assert_ne!(a, b, "random nonces");
        assert_eq!(c.open("id_number", &a).unwrap(), "11010519491231002X");
        assert!(!String::from_utf8_lossy(&a).contains("1949"));
    }

    #[test]
    fn a_ciphertext_does_not_open_in_another_column_or_with_another_key() {
        let c = crypto();
        let a = c.seal("phone", "13812345678");
        assert!(c.open("bank_account", &a).is_err());
        assert!(FieldCrypto::from_master(&[8u8; 32]).open("phone", &a).is_err());
        let mut t = a.clone();
        *t.last_mut().unwrap() ^= 1;
        assert!(c.open("phone", &t).is_err(), "tampering is detected");
    }

    #[test]
    fn blind_indexes_are_deterministic_and_kind_separated() {
        let c = crypto();
        assert_eq!(c.index("id", "x"), c.index("id", "x"));
        assert_ne!(c.index("id", "1234"), c.index("id_tail4", "1234"));
        assert_ne!(c.index("id", "x"), FieldCrypto::from_master(&[8u8; 32]).index("id", "x"));
        assert_eq!(c.index("id", "x").len(), 32);
    }

    #[test]
    fn a_blind_index_is_the_hmac_of_kind_and_value_under_the_derived_key() {
        // Stored indexes must stay what they were: the same MAC as computed from scratch.
        let key = derive(&[7u8; 32], "shuangyong/blind-index/v1");
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(key.as_ref()).unwrap();
        mac.update(b"id_tail4\x001234");
        let expected = hex::encode(&mac.finalize().into_bytes()[..16]);
        let c = crypto();
        assert_eq!(c.index("id_tail4", "1234"), expected);
        assert_eq!(c.index("id_tail4", "1234"), expected, "the shared keyed state is not consumed");
    }

    #[test]
    fn key_files_round_trip_and_bad_ones_are_explained() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.key");
        let c = FieldCrypto::create_key_file(&p).unwrap();
        let sealed = c.seal("x", "y");
        assert_eq!(FieldCrypto::from_key_file(&p).unwrap().open("x", &sealed).unwrap(), "y");
        assert!(FieldCrypto::create_key_file(&p).is_err(), "never overwrites a key");
        std::fs::write(dir.path().join("bad.key"), "zz").unwrap();
        let e = FieldCrypto::from_key_file(&dir.path().join("bad.key")).unwrap_err();
        assert!(e.to_string().contains("十六进制"));
    }
}
