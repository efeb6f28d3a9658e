package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// stopTimeout is how long a process may take to end after SIGTERM before
// it is killed.
const stopTimeout = 15 * time.Second

// process is one program of the cluster: a node or Caddy.
type process struct {
	name string
	cmd  *exec.Cmd
	out  io.Writer
	done chan struct{} // closed when it ended; err says how
	err  error
	// stopped is set when the cluster ended it, rather than it ending on
	// its own.
	stopped atomic.Bool
}

// start starts the process and its waiter.
func (p *process) start() error {
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.done = make(chan struct{})
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("cluster: start %s: %w", p.name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return nil
}

// signal sends sig and waits for the process to end.
func (p *process) signal(sig os.Signal) error {
	p.stopped.Store(true)
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("cluster: signal %s: %w", p.name, err)
	}
	<-p.done
	return nil
}

// stop ends the process with SIGTERM, or SIGKILL when it takes longer
// than stopTimeout, and waits for it.
func (p *process) stop() error {
	if p.done == nil {
		return nil
	}
	kill := time.AfterFunc(stopTimeout, func() { p.cmd.Process.Kill() })
	defer kill.Stop()
	return p.signal(syscall.SIGTERM)
}

// output writes the lines of several processes to one writer, each after
// the name of the process that wrote it.
type output struct {
	mu sync.Mutex
	w  io.Writer
}

func newOutput(w io.Writer) *output {
	if w == nil {
		w = io.Discard
	}
	return &output{w: w}
}

// named is a writer for the process name.
func (o *output) named(name string) io.Writer {
	return &prefixed{o: o, prefix: []byte(fmt.Sprintf("%-6s| ", name))}
}

// prefixed writes whole lines to its output, after its prefix; it keeps
// an unfinished line until its end comes.
type prefixed struct {
	o      *output
	prefix []byte
	line   []byte
}

func (p *prefixed) Write(b []byte) (int, error) {
	p.o.mu.Lock()
	defer p.o.mu.Unlock()
	p.line = append(p.line, b...)
	for {
		i := bytes.IndexByte(p.line, '\n')
		if i < 0 {
			return len(b), nil
		}
		if _, err := p.o.w.Write(append(bytes.Clone(p.prefix), p.line[:i+1]...)); err != nil {
			return len(b), err
		}
		p.line = p.line[i+1:]
	}
}
