package harness

import (
	_ "embed"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Emulator is a running local AWS emulator (moto_server) on 127.0.0.1.
type Emulator struct {
	// Endpoint is the URL every AWS service endpoint points at.
	Endpoint string
	// CABundle is the PEM CA of the emulator's certificate when it serves
	// HTTPS (cloud.emulator.ca_bundle); empty for plain HTTP.
	CABundle string
	// LogPath holds the emulator's output, for failure reports.
	LogPath string
	proc    *process
	client  *http.Client
}

// launcher adds the Application Auto Scaling tag handlers moto lacks.
//
//go:embed emulator.py
var launcher []byte

// EmulatorPython is the Python that has moto installed; FULLSTACK_PYTHON
// overrides it.
func EmulatorPython() string {
	if c := os.Getenv("FULLSTACK_PYTHON"); c != "" {
		return c
	}
	return "python3"
}

// StartEmulator starts moto_server on a free loopback port, logging into
// dir, and waits until it answers. It speaks plain HTTP: moto's HTTPS
// server drops connections under parallel load.
func StartEmulator(dir string) (*Emulator, error) { return StartEmulatorOn(dir, 0) }

// StartEmulatorOn is StartEmulator on a given port (0: a free one).
func StartEmulatorOn(dir string, port int) (*Emulator, error) {
	return startEmulator(dir, "127.0.0.1", port, 0)
}

// StartBackgroundEmulator is StartEmulator at BackgroundNice: for work
// that no other test waits for.
func StartBackgroundEmulator(dir string) (*Emulator, error) {
	return startEmulator(dir, "127.0.0.1", 0, BackgroundNice)
}

// StartEmulatorAt is StartEmulator on a free port of the host address
// host, e.g. a Docker bridge's gateway, where containers reach it (its S3
// stands in for an off-site bucket).
func StartEmulatorAt(dir, host string) (*Emulator, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	return startEmulator(dir, host, port, 0)
}

func startEmulator(dir, host string, port, nice int) (*Emulator, error) {
	python, err := exec.LookPath(EmulatorPython())
	if err != nil {
		return nil, fmt.Errorf("python %q for the local AWS emulator: %w", EmulatorPython(), err)
	}
	if out, err := exec.Command(python, "-c", "import moto.server").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("the local AWS emulator is not installed for %s (pip install 'moto[server]==5.2.1'): %v\n%s", python, err, out)
	}
	script := filepath.Join(dir, "emulator.py")
	if err := os.WriteFile(script, launcher, 0o644); err != nil {
		return nil, err
	}
	if port == 0 {
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	} else if l, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(port))); err != nil {
		return nil, fmt.Errorf("port %d is taken (another emulator?): %w", port, err)
	} else {
		l.Close()
	}
	cmd := niced(nice, python, script, "-H", host, "-p", fmt.Sprint(port))
	// Without it, attaching AWS-managed IAM policies fails with NoSuchEntity.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	logPath := filepath.Join(dir, "moto.log")
	proc, err := startProcess(cmd, logPath)
	if err != nil {
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	e := &Emulator{Endpoint: "http://" + net.JoinHostPort(host, fmt.Sprint(port)), LogPath: logPath, proc: proc, client: &http.Client{Timeout: 30 * time.Second}}
	// moto's start-up is mostly Python importing it: at a lower priority,
	// on cores busy with the tests that come first, it can take minutes.
	ready := 30 * time.Second
	if nice > 0 {
		ready = 3 * time.Minute
	}
	if err := e.waitReady(ready); err != nil {
		e.Stop()
		return nil, fmt.Errorf("%w (log: %s)", err, logPath)
	}
	return e, nil
}

// waitReady polls the emulator's own API until it answers.
func (e *Emulator) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-e.proc.exited:
			return fmt.Errorf("moto_server exited during start-up")
		default:
		}
		if resp, err := e.client.Get(e.Endpoint + "/moto-api/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("moto_server did not answer on %s within %s", e.Endpoint, timeout)
}

// Stop stops the emulator and everything it started.
func (e *Emulator) Stop() { e.proc.stop(5 * time.Second) }

// Request sends an unsigned AWS API request to the emulator, for tests that
// inspect what Terraform created. moto routes by the service and region in
// the credential scope and does not check signatures.
func (e *Emulator) Request(service, region, method, path string, header map[string]string, body string) (int, []byte, error) {
	req, err := http.NewRequest(method, e.Endpoint+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=emulator/20260101/%s/%s/aws4_request, SignedHeaders=host, Signature=0", region, service))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}
