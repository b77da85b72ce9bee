package n8n

import (
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadKeysHMAC(t *testing.T) {
	k := mustLoad(t, KeyConfig{Algorithm: "hs256", Secret: testSecret})
	if k.Algorithm() != "HS256" || k.TTL() != DefaultTTL || !k.CanSign() || !k.CanVerify() {
		t.Fatalf("got %s %s sign=%v verify=%v", k.Algorithm(), k.TTL(), k.CanSign(), k.CanVerify())
	}
	for _, alg := range []string{"HS384", "HS512"} {
		if k := mustLoad(t, KeyConfig{Algorithm: alg, Secret: testSecret, TTL: 2 * time.Minute}); k.TTL() != 2*time.Minute {
			t.Errorf("%s: TTL %s", alg, k.TTL())
		}
	}
}

func TestLoadKeysRSAForms(t *testing.T) {
	key := testRSAKey(t)
	pkcs1 := writePEM(t, "pkcs1.pem", &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	pkcs8 := writePEM(t, "pkcs8.pem", pkcs8PEM(t, key))
	pkix := writePEM(t, "pub.pem", pkixPEM(t, &key.PublicKey))
	rsaPub := writePEM(t, "rsapub.pem", &pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)})
	cert := writePEM(t, "cert.pem", certPEM(t, key, &key.PublicKey))

	for _, tc := range []struct {
		name, alg, priv, pub string
		sign                 bool
	}{
		{"pkcs1 private only", "RS256", pkcs1, "", true},
		{"pkcs8 private + pkix", "RS384", pkcs8, pkix, true},
		{"pkcs1 public", "PS256", "", rsaPub, false},
		{"certificate", "RS512", "", cert, false},
		{"pkcs8 + certificate", "PS512", pkcs8, cert, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := mustLoad(t, KeyConfig{Algorithm: tc.alg, PrivateKeyFile: tc.priv, PublicKeyFile: tc.pub, Secret: "ignored"})
			if k.CanSign() != tc.sign || !k.CanVerify() {
				t.Fatalf("sign=%v verify=%v", k.CanSign(), k.CanVerify())
			}
		})
	}
}

func TestLoadKeysEC(t *testing.T) {
	p256 := testECKey(t, elliptic.P256())
	sec1, err := x509.MarshalECPrivateKey(p256)
	if err != nil {
		t.Fatal(err)
	}
	// openssl ecparam -genkey writes an EC PARAMETERS block first.
	withParams := writePEM(t, "ec.pem", &pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}},
		&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})
	k := mustLoad(t, KeyConfig{Algorithm: "ES256", PrivateKeyFile: withParams})
	if !k.CanSign() || !k.CanVerify() {
		t.Fatal("EC key with parameters block not loaded for signing and verifying")
	}
	p384 := testECKey(t, elliptic.P384())
	priv, pub := keyFiles(t, p384)
	mustLoad(t, KeyConfig{Algorithm: "ES384", PrivateKeyFile: priv, PublicKeyFile: pub})
	p521 := testECKey(t, elliptic.P521())
	mustLoad(t, KeyConfig{Algorithm: "ES512", PublicKeyFile: writePEM(t, "c.pem", certPEM(t, p521, &p521.PublicKey))})
}

func TestLoadKeysErrors(t *testing.T) {
	dir := t.TempDir()
	rsaKey := testRSAKey(t)
	rsaPriv, rsaPub := keyFiles(t, rsaKey)
	p256 := testECKey(t, elliptic.P256())
	ecPriv, ecPub := keyFiles(t, p256)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallFile := writePEM(t, "small.pem", pkcs8PEM(t, small))
	notPEM := filepath.Join(dir, "notpem.key")
	os.WriteFile(notPEM, []byte("SUPERSECRETKEYMATERIAL not a pem file"), 0o600)
	corrupt := writePEM(t, "corrupt.pem", &pem.Block{Type: "PRIVATE KEY", Bytes: []byte("SUPERSECRETKEYMATERIAL")})
	encrypted := writePEM(t, "enc.pem", &pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}})
	legacyEnc := writePEM(t, "legacy.pem", &pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}, Bytes: []byte{1}})
	ed := writePEM(t, "ed.pem", &pem.Block{Type: "PRIVATE KEY", Bytes: mustEd25519PKCS8(t)})

	for _, tc := range []struct {
		name string
		cfg  KeyConfig
		want []string // substrings of the error
	}{
		{"unknown algorithm", KeyConfig{Algorithm: "HS1024", Secret: testSecret}, []string{`"HS1024"`, "expected one of"}},
		{"none algorithm", KeyConfig{Algorithm: "none", Secret: testSecret}, []string{`"none"`}},
		{"EdDSA algorithm", KeyConfig{Algorithm: "EdDSA", PrivateKeyFile: ed}, []string{"not supported"}},
		{"short secret", KeyConfig{Algorithm: "HS256", Secret: "short-SUPERSECRET"}, []string{"17 bytes", "at least 32"}},
		{"empty secret", KeyConfig{Algorithm: "HS512"}, []string{"0 bytes"}},
		{"TTL too long", KeyConfig{Algorithm: "HS256", Secret: testSecret, TTL: time.Hour}, []string{"TTL 1h0m0s"}},
		{"TTL negative", KeyConfig{Algorithm: "HS256", Secret: testSecret, TTL: -time.Second}, []string{"TTL -1s"}},
		{"no key files", KeyConfig{Algorithm: "RS256", Secret: testSecret}, []string{"RS256 needs"}},
		{"missing file", KeyConfig{Algorithm: "RS256", PrivateKeyFile: filepath.Join(dir, "nope.pem")}, []string{"nope.pem", "cannot open", "no such file"}},
		{"not PEM", KeyConfig{Algorithm: "RS256", PrivateKeyFile: notPEM}, []string{"notpem.key", "no PEM block"}},
		{"corrupt DER", KeyConfig{Algorithm: "RS256", PrivateKeyFile: corrupt}, []string{"corrupt.pem", "cannot parse the PRIVATE KEY block"}},
		{"encrypted PKCS8", KeyConfig{Algorithm: "RS256", PrivateKeyFile: encrypted}, []string{"enc.pem", "encrypted"}},
		{"encrypted legacy", KeyConfig{Algorithm: "RS256", PrivateKeyFile: legacyEnc}, []string{"legacy.pem", "encrypted"}},
		{"public key as private", KeyConfig{Algorithm: "RS256", PrivateKeyFile: rsaPub}, []string{"public.pem", "not a private key"}},
		{"private key as public", KeyConfig{Algorithm: "RS256", PublicKeyFile: rsaPriv}, []string{"private.pem", "holds a private key"}},
		{"EC key for RS256", KeyConfig{Algorithm: "RS256", PrivateKeyFile: ecPriv}, []string{"is an EC key", "RSA"}},
		{"RSA key for ES256", KeyConfig{Algorithm: "ES256", PublicKeyFile: rsaPub}, []string{"is an RSA key", "EC key"}},
		{"curve mismatch", KeyConfig{Algorithm: "ES384", PublicKeyFile: ecPub}, []string{"curve P-256", "ES384 needs P-384"}},
		{"small RSA", KeyConfig{Algorithm: "PS256", PrivateKeyFile: smallFile}, []string{"small.pem", "1024 bits", "2048"}},
		{"Ed25519 key", KeyConfig{Algorithm: "ES256", PrivateKeyFile: ed}, []string{"Ed25519"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := LoadKeys(tc.cfg)
			if err == nil {
				t.Fatalf("LoadKeys accepted: %+v", k)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "SUPERSECRET") || strings.Contains(msg, "MII") || strings.Contains(msg, testSecret) {
				t.Errorf("error leaks key material: %q", msg)
			}
		})
	}
}

func mustEd25519PKCS8(t *testing.T) []byte {
	t.Helper()
	// A fixed Ed25519 PKCS#8 key (RFC 8410 example).
	der := []byte{0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
		0xd4, 0xee, 0x72, 0xdb, 0xf9, 0x13, 0x58, 0x4a, 0xd5, 0xb6, 0xd8, 0xf1, 0xf7, 0x69, 0xf8, 0xad,
		0x3a, 0xfe, 0x7c, 0x28, 0xcb, 0xf1, 0xd4, 0xfb, 0xe0, 0x97, 0xa8, 0x8f, 0x44, 0x75, 0x58, 0x42}
	if _, err := x509.ParsePKCS8PrivateKey(der); err != nil {
		t.Fatal(err)
	}
	return der
}
