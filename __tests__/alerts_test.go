package tests

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/constructs/onprem/monitoring"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
)

// alertReceiver is a webhook receiver on the test host, as a user's would
// be: HTTPS with its own CA (the project's onprem.monitoring.webhook_ca_file),
// reached by the Alertmanager container at host.docker.internal.
type alertReceiver struct {
	URL, CA string
	server  *http.Server
	mu      sync.Mutex
	got     []receivedAlert
}

// receivedAlert is one alert of an Alertmanager webhook message, and when
// it arrived.
type receivedAlert struct {
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	at          time.Time
}

func (a receivedAlert) String() string {
	return fmt.Sprintf("%s %s target=%s instance=%s: %s", a.Status, a.Labels["alertname"], a.Labels["target"], a.Labels["instance"], a.Annotations["summary"])
}

func startAlertReceiver(t *testing.T) *alertReceiver {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "test alert receiver"},
		DNSNames: []string{monitoring.HostGateway}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	// Every interface: the containers come from Docker's bridge.
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	r := &alertReceiver{
		URL: "https://" + monitoring.HostGateway + ":" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + "/alerts",
		CA:  string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
	}
	r.server = &http.Server{
		Handler:           http.HandlerFunc(r.receive),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		ReadHeaderTimeout: 10 * time.Second,
	}
	go r.server.ServeTLS(ln, "", "")
	t.Cleanup(func() { r.server.Close() })
	return r
}

func (r *alertReceiver) receive(w http.ResponseWriter, req *http.Request) {
	var msg struct {
		Alerts []receivedAlert `json:"alerts"`
	}
	if req.URL.Path != "/alerts" || json.NewDecoder(req.Body).Decode(&msg) != nil {
		http.Error(w, "not an Alertmanager message", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range msg.Alerts {
		a.at = time.Now()
		r.got = append(r.got, a)
	}
}

// waitFor returns the first alert received after since that has status
// and alertname and whose labels include labels, waiting up to timeout.
func (r *alertReceiver) waitFor(since time.Time, timeout time.Duration, status, alertname string, labels map[string]string) (receivedAlert, bool) {
	deadline := time.Now().Add(timeout)
	for {
		r.mu.Lock()
		for _, a := range r.got {
			if a.at.Before(since) || a.Status != status || a.Labels["alertname"] != alertname {
				continue
			}
			match := true
			for k, v := range labels {
				match = match && a.Labels[k] == v
			}
			if match {
				r.mu.Unlock()
				return a, true
			}
		}
		r.mu.Unlock()
		if time.Now().After(deadline) {
			return receivedAlert{}, false
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// all is every alert received so far, for failure messages.
func (r *alertReceiver) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var lines []string
	for _, a := range r.got {
		lines = append(lines, a.at.Format("15:04:05 ")+a.String())
	}
	return strings.Join(lines, "\n")
}

// mustArrive fails t unless the alert arrives within timeout; it returns
// how long it took from since.
func (r *alertReceiver) mustArrive(t *testing.T, since time.Time, timeout time.Duration, status, alertname string, labels map[string]string) time.Duration {
	t.Helper()
	a, ok := r.waitFor(since, timeout, status, alertname, labels)
	if !ok {
		t.Fatalf("no %s %s %v within %s; received:\n%s", status, alertname, labels, timeout, r.all())
	}
	return a.at.Sub(since)
}

// checkHomeMonitoring: the deployed configuration passes Prometheus's and
// Alertmanager's own checks, a stopped app and a failed backup reach the
// receiver, and so does their recovery.
func checkHomeMonitoring(t *testing.T, d *onPremDeployment) {
	rx := d.alerts
	prom, am := monitoring.PrometheusName(d.Name), alerting.AlertmanagerContainer(d.Name)

	t.Run("promtool and amtool accept the deployed configuration", func(t *testing.T) {
		for _, args := range [][]string{
			{"exec", prom, "promtool", "check", "config", "/etc/prometheus/prometheus.yml"},
			{"exec", am, "amtool", "check-config", "/etc/alertmanager/alertmanager.yml"},
		} {
			if out, err := d.engine.Docker(args...); err != nil {
				t.Errorf("%s: %v\n%s", strings.Join(args[2:], " "), err, out)
			}
		}
	})

	t.Run("every target is probed and up", func(t *testing.T) {
		deadline := time.Now().Add(90 * time.Second)
		var last string
		for time.Now().Before(deadline) {
			code, body, _, err := fetch("GET", "http://127.0.0.1:"+strconv.Itoa(d.Settings.PrometheusPort)+"/api/v1/query?query=probe_success")
			last = fmt.Sprint(code, err, body)
			if err == nil && code == 200 && strings.Count(body, `"1"]`) == 4 {
				return
			}
			time.Sleep(2 * time.Second)
		}
		t.Errorf("probe_success is not 1 for the API, the site, the registry and PostgreSQL within 90 s: %s", last)
	})

	t.Run("a stopped app alerts within 90 s, and its recovery too", func(t *testing.T) {
		app := d.AppContainer("notes-api")
		stopped := time.Now()
		if _, err := d.engine.Docker("stop", app); err != nil {
			t.Fatal(err)
		}
		started := false
		defer func() {
			if !started {
				d.engine.Docker("start", app)
			}
		}()
		took := rx.mustArrive(t, stopped, 90*time.Second, "firing", "AppDown", map[string]string{"target": "notes-api"})
		t.Logf("figure: app stopped -> AppDown at the webhook %s", took.Round(time.Second))
		checkStatusShowsAlert(t, d, "AppDown", "notes-api")
		restarted := time.Now()
		if _, err := d.engine.Docker("start", app); err != nil {
			t.Fatal(err)
		}
		started = true
		took = rx.mustArrive(t, restarted, 120*time.Second, "resolved", "AppDown", map[string]string{"target": "notes-api"})
		t.Logf("figure: app started -> AppDown resolved at the webhook %s", took.Round(time.Second))
	})

	t.Run("a failed backup alerts, and the next good one resolves it", func(t *testing.T) {
		backup := d.Name + "-postgres-backup"
		failed := time.Now()
		if out, err := d.engine.Docker("exec", "-e", "DATABASES=notes_api no_such_database", backup, postgrescluster.BackupCommand); err == nil {
			t.Fatalf("a backup of a missing database succeeded:\n%s", out)
		}
		took := rx.mustArrive(t, failed, 90*time.Second, "firing", "BackupFailed", nil)
		t.Logf("figure: failed backup -> BackupFailed at the webhook %s", took.Round(time.Second))
		fixed := time.Now()
		if out, err := d.engine.Docker("exec", backup, postgrescluster.BackupCommand); err != nil {
			t.Fatalf("backup: %v\n%s", err, out)
		}
		rx.mustArrive(t, fixed, 120*time.Second, "resolved", "BackupFailed", nil)
	})
}

// checkStatusShowsAlert: fullstack status lists the firing alert and fails.
func checkStatusShowsAlert(t *testing.T, d *onPremDeployment, name, target string) {
	t.Helper()
	start := time.Now()
	out, code := d.run(2*time.Minute, nil, fullstackCLI(d.t), "status", "-target", "staging", "-json")
	t.Logf("figure: status -target staging (go run) %s", time.Since(start).Round(100*time.Millisecond))
	var rep struct {
		Alerts []struct{ Name, Target, Summary string }
	}
	if i := strings.Index(out, "{"); i >= 0 {
		_ = json.NewDecoder(strings.NewReader(out[i:])).Decode(&rep)
	}
	found := false
	for _, a := range rep.Alerts {
		found = found || a.Name == name && a.Target == target && a.Summary != ""
	}
	if code != 1 || !found {
		t.Errorf("status while %s %s fires: exit %d (want 1), alerts %+v\n%s", name, target, code, rep.Alerts, out)
	}
}
