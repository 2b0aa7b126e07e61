package harness

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Emulator is a running local AWS emulator (moto_server) on 127.0.0.1.
type Emulator struct {
	// Endpoint is the URL every AWS service endpoint points at.
	Endpoint string
	// LogPath holds the emulator's output, for failure reports.
	LogPath string
	proc    *process
}

// EmulatorCommand is the emulator executable; FULLSTACK_MOTO_SERVER
// overrides it.
func EmulatorCommand() string {
	if c := os.Getenv("FULLSTACK_MOTO_SERVER"); c != "" {
		return c
	}
	return "moto_server"
}

// StartEmulator starts moto_server on a free port, logging into dir, and
// waits until it answers.
func StartEmulator(dir string) (*Emulator, error) {
	bin, err := exec.LookPath(EmulatorCommand())
	if err != nil {
		return nil, fmt.Errorf("the local AWS emulator %q is not installed (pip install 'moto[server]==5.2.1'): %w", EmulatorCommand(), err)
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// Without it, attaching AWS-managed IAM policies fails with NoSuchEntity.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	logPath := filepath.Join(dir, "moto.log")
	proc, err := startProcess(cmd, logPath)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	e := &Emulator{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), LogPath: logPath, proc: proc}
	if err := e.waitReady(30 * time.Second); err != nil {
		e.Stop()
		return nil, fmt.Errorf("%w (log: %s)", err, logPath)
	}
	return e, nil
}

// waitReady polls the emulator's own API until it answers.
func (e *Emulator) waitReady(timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-e.proc.exited:
			return fmt.Errorf("moto_server exited during start-up")
		default:
		}
		if resp, err := client.Get(e.Endpoint + "/moto-api/"); err == nil {
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
