package harness

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// process is a started child in its own process group, so stopping it
// also stops whatever it forked.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{}
	log    *os.File
}

// startProcess starts cmd with its output appended to logPath.
func startProcess(cmd *exec.Cmd, logPath string) (*process, error) {
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = log, log
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	p := &process{cmd: cmd, exited: make(chan struct{}), log: log}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	return p, nil
}

// stop sends SIGTERM to the process group, then SIGKILL after grace. It
// does nothing to a process that already exited, so it is safe to repeat.
func (p *process) stop(grace time.Duration) {
	select {
	case <-p.exited:
		p.log.Close()
		return
	default:
	}
	pgid := -p.cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(grace):
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-p.exited
	}
	p.log.Close()
}

// Server is a started server process (registry, nginx, ...).
type Server struct {
	proc *process
	// LogPath holds the server's output.
	LogPath string
}

// StartServer starts cmd, logging to logPath, and waits until something
// listens on addr.
func StartServer(cmd *exec.Cmd, logPath, addr string) (*Server, error) {
	p, err := startProcess(cmd, logPath)
	if err != nil {
		return nil, err
	}
	s := &Server{proc: p, LogPath: logPath}
	if err := waitForPort(addr, p.exited, 30*time.Second); err != nil {
		s.Stop()
		log, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("%s: %w\n%s", cmd.Path, err, log)
	}
	return s, nil
}

// Stop stops the server (SIGTERM, then SIGKILL after 10 s).
func (s *Server) Stop() { s.proc.stop(10 * time.Second) }
