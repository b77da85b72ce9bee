package security

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync"
	"time"
)

// CertReloader serves a certificate from PEM files and reads them again when
// either changes, so that a renewed certificate (certbot, an internal CA)
// is picked up without a restart.
type CertReloader struct {
	certFile, keyFile string

	mu       sync.Mutex
	cert     *tls.Certificate
	modified time.Time
	checked  time.Time
}

// NewCertReloader loads the pair now, so that a bad file fails at start.
func NewCertReloader(certFile, keyFile string) (*CertReloader, error) {
	r := &CertReloader{certFile: certFile, keyFile: keyFile}
	if _, err := r.load(); err != nil {
		return nil, err
	}
	return r, nil
}

// GetCertificate implements tls.Config.GetCertificate. The files are looked
// at most once a minute; a renewal that fails to load keeps the old pair.
func (r *CertReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.checked) > time.Minute {
		r.checked = time.Now()
		if m := r.lastModified(); m.After(r.modified) {
			if cert, err := loadPair(r.certFile, r.keyFile); err == nil {
				r.cert, r.modified = cert, m
			}
		}
	}
	return r.cert, nil
}

func (r *CertReloader) load() (*tls.Certificate, error) {
	cert, err := loadPair(r.certFile, r.keyFile)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.cert, r.modified, r.checked = cert, r.lastModified(), time.Now()
	r.mu.Unlock()
	return cert, nil
}

func (r *CertReloader) lastModified() time.Time {
	var latest time.Time
	for _, f := range []string{r.certFile, r.keyFile} {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(latest) {
			latest = fi.ModTime()
		}
	}
	return latest
}

func loadPair(certFile, keyFile string) (*tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("load certificate %s with key %s: %w", certFile, keyFile, err)
	}
	if cert.Leaf == nil && len(cert.Certificate) > 0 {
		cert.Leaf, _ = x509.ParseCertificate(cert.Certificate[0])
	}
	return &cert, nil
}
