// Command gox509 is the test oracle for src/pki/verify.ts: real Go crypto/x509 verifying
// certificate chains the way crypto/tls's client does (Go 1.19, as Ignition 2.14 is built).
//
// Input, one JSON object per line on stdin:
//
//	{"id": "...", "chain": [PEM, ...], "roots": [PEM, ...], "host": "...", "at": RFC3339Nano}
//
// Output, one JSON object per line on stdout, in input order:
//
//	{"id": "...", "ok": bool, "error": "...", "chains": [[sha256 hex, ...], ...], "rootErrors": [...]}
//
// The chain certificates are parsed with x509.ParseCertificate exactly as
// handshake_client.go verifyServerCertificate does: the first failure ends the case with
// crypto/tls's text "tls: failed to parse certificate from server: <err>".
//
// Roots: Ignition reads the pointer config's CAs with CertPool.AppendCertsFromPEM, which
// silently skips a certificate it cannot parse. So a root that does not parse is left out of
// the pool (its error is reported in rootErrors, "" for the roots that parsed, so the caller
// can check its own parser agrees) and verification goes on with the others. The pool is
// never nil, so Go never falls back to the system roots here.
//
// Verification is leaf.Verify with the options verifyServerCertificate passes: Roots,
// Intermediates = chain[1:] (AddCert), DNSName = host, CurrentTime = at, KeyUsages empty
// (serverAuth).
package main

import (
	"bufio"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"
)

type input struct {
	ID    string   `json:"id"`
	Chain []string `json:"chain"`
	Roots []string `json:"roots"`
	Host  string   `json:"host"`
	At    string   `json:"at"`
}

type output struct {
	ID         string     `json:"id"`
	OK         bool       `json:"ok"`
	Error      string     `json:"error,omitempty"`
	Chains     [][]string `json:"chains"`
	RootErrors []string   `json:"rootErrors"`
}

func decodePEM(s string) ([]byte, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("not a PEM CERTIFICATE block")
	}
	return block.Bytes, nil
}

func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

func run(in input) (out output, err error) {
	out = output{ID: in.ID, Chains: [][]string{}, RootErrors: []string{}}
	at, err := time.Parse(time.RFC3339Nano, in.At)
	if err != nil {
		return out, fmt.Errorf("case %s: bad time %q: %w", in.ID, in.At, err)
	}
	roots := x509.NewCertPool()
	for _, p := range in.Roots {
		der, err := decodePEM(p)
		if err != nil {
			return out, fmt.Errorf("case %s: root: %w", in.ID, err)
		}
		if _, perr := x509.ParseCertificate(der); perr != nil {
			out.RootErrors = append(out.RootErrors, perr.Error())
		} else {
			out.RootErrors = append(out.RootErrors, "")
		}
		roots.AppendCertsFromPEM([]byte(p))
	}
	if len(in.Chain) == 0 {
		return out, fmt.Errorf("case %s: empty chain", in.ID)
	}
	certs := make([]*x509.Certificate, len(in.Chain))
	for i, p := range in.Chain {
		der, err := decodePEM(p)
		if err != nil {
			return out, fmt.Errorf("case %s: chain: %w", in.ID, err)
		}
		c, perr := x509.ParseCertificate(der)
		if perr != nil {
			out.Error = "tls: failed to parse certificate from server: " + perr.Error()
			return out, nil
		}
		certs[i] = c
	}
	opts := x509.VerifyOptions{
		Roots:         roots,
		CurrentTime:   at,
		DNSName:       in.Host,
		Intermediates: x509.NewCertPool(),
	}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	chains, verr := certs[0].Verify(opts)
	if verr != nil {
		out.Error = verr.Error()
		return out, nil
	}
	out.OK = true
	for _, chain := range chains {
		fps := make([]string, len(chain))
		for i, c := range chain {
			fps[i] = fingerprint(c)
		}
		out.Chains = append(out.Chains, fps)
	}
	return out, nil
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 64<<20)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for scanner.Scan() {
		line := scanner.Bytes()
		if len(line) == 0 {
			continue
		}
		var in input
		if err := json.Unmarshal(line, &in); err != nil {
			fmt.Fprintln(os.Stderr, "gox509: bad input line:", err)
			os.Exit(2)
		}
		out, err := run(in)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gox509:", err)
			os.Exit(2)
		}
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(os.Stderr, "gox509:", err)
			os.Exit(2)
		}
	}
	if err := scanner.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "gox509: reading stdin:", err)
		os.Exit(2)
	}
}
