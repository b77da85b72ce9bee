package n8n

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testSecret is a 40-byte HMAC secret.
const testSecret = "0123456789abcdef0123456789abcdef-secret"

var (
	rsaOnce, otherRSAOnce sync.Once
	rsaKey, otherRSA      *rsa.PrivateKey
)

// testRSAKey returns one 2048-bit key per test binary (generation is slow under -race).
func testRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	rsaOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rsaKey = k
	})
	return rsaKey
}

// otherRSAKey returns a second 2048-bit key, unknown to the verifiers.
func otherRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	otherRSAOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		otherRSA = k
	})
	return otherRSA
}

func testECKey(t testing.TB, c elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// writePEM writes blocks into dir/name and returns the path.
func writePEM(t testing.TB, name string, blocks ...*pem.Block) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	var data []byte
	for _, b := range blocks {
		data = append(data, pem.EncodeToMemory(b)...)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func pkcs8PEM(t testing.TB, key any) *pem.Block {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &pem.Block{Type: "PRIVATE KEY", Bytes: der}
}

func pkixPEM(t testing.TB, pub any) *pem.Block {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return &pem.Block{Type: "PUBLIC KEY", Bytes: der}
}

func certPEM(t testing.TB, priv any, pub any) *pem.Block {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "n8n test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	return &pem.Block{Type: "CERTIFICATE", Bytes: der}
}

// keyFiles writes key's PKCS#8 private and PKIX public PEM files.
func keyFiles(t testing.TB, key crypto.Signer) (priv, pub string) {
	t.Helper()
	return writePEM(t, "private.pem", pkcs8PEM(t, key)), writePEM(t, "public.pem", pkixPEM(t, key.Public()))
}

func mustLoad(t testing.TB, cfg KeyConfig) *Keys {
	t.Helper()
	k, err := LoadKeys(cfg)
	if err != nil {
		t.Fatalf("LoadKeys: %v", err)
	}
	return k
}
