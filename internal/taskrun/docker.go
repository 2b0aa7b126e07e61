package taskrun

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// engine speaks the Docker Engine API (v1.41, engine 20.10) over a unix
// socket: the CLI cannot give a health check in exec form, which an image
// without a shell needs, and the API takes exactly ECS's settings.
type engine struct {
	client *http.Client
}

func newEngine(host string) (*engine, error) {
	socket, ok := strings.CutPrefix(host, "unix://")
	if !ok {
		return nil, fmt.Errorf("docker host %q: only unix:// sockets are supported", host)
	}
	return &engine{client: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", socket)
		},
	}}}, nil
}

// do sends one request; in (if not nil) is the JSON body, out (if not nil)
// receives the JSON answer. Any status of 300 or more is an error with
// the engine's message.
func (e *engine) do(ctx context.Context, method, path string, query url.Values, header map[string]string, in, out any) error {
	data, err := e.raw(ctx, method, path, query, header, in)
	if err != nil || out == nil || len(data) == 0 {
		return err
	}
	return json.Unmarshal(data, out)
}

// raw is do's request, returning the answer's body as it came.
func (e *engine) raw(ctx context.Context, method, path string, query url.Values, header map[string]string, in any) ([]byte, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	u := "http://docker/v1.41" + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		var msg struct{ Message string }
		if json.Unmarshal(data, &msg) == nil && msg.Message != "" {
			return nil, fmt.Errorf("%s", msg.Message)
		}
		return nil, fmt.Errorf("%s %s: %s %s", method, path, resp.Status, data)
	}
	return data, nil
}

// pull fetches ref with basic credentials for its registry. The engine
// answers 200 and reports a failure inside its progress stream.
func (e *engine) pull(ctx context.Context, ref, user, password string) error {
	auth, _ := json.Marshal(map[string]string{"username": user, "password": password, "serveraddress": strings.SplitN(ref, "/", 2)[0]})
	name, tag := ref, "latest"
	if i := strings.LastIndex(ref, "@"); i >= 0 {
		name, tag = ref[:i], ref[i+1:]
	} else if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		name, tag = ref[:i], ref[i+1:]
	}
	data, err := e.raw(ctx, "POST", "/images/create", url.Values{"fromImage": {name}, "tag": {tag}},
		map[string]string{"X-Registry-Auth": base64.URLEncoding.EncodeToString(auth)}, nil)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var msg struct {
			Error string `json:"error"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("pull %s: %w", ref, err)
		}
		if msg.Error != "" {
			return fmt.Errorf("%s", msg.Error)
		}
	}
}

// imageVolumes are the paths the image declares as VOLUME.
func (e *engine) imageVolumes(ctx context.Context, ref string) (map[string]bool, error) {
	var img struct {
		Config struct{ Volumes map[string]struct{} }
	}
	if err := e.do(ctx, "GET", "/images/"+ref+"/json", nil, nil, nil, &img); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for p := range img.Config.Volumes {
		out[p] = true
	}
	return out, nil
}

// containerState is the part of a container's inspection the runner uses.
type containerState struct {
	State struct {
		Status    string
		Running   bool
		ExitCode  int
		OOMKilled bool
		Health    *struct {
			Status string
			Log    []struct {
				ExitCode int
				Output   string
			}
		}
	}
	NetworkSettings struct {
		Ports map[string][]struct{ HostIp, HostPort string }
	}
}

func (e *engine) inspect(ctx context.Context, id string) (containerState, error) {
	var s containerState
	err := e.do(ctx, "GET", "/containers/"+id+"/json", nil, nil, nil, &s)
	return s, err
}

// logs is a container's output, its last tail lines (a stream without a
// TTY: each frame has an 8-byte header whose last 4 bytes are its size).
func (e *engine) logs(ctx context.Context, id string, tail int) string {
	req, err := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("http://docker/v1.41/containers/%s/logs?stdout=1&stderr=1&tail=%d", id, tail), nil)
	if err != nil {
		return err.Error()
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out strings.Builder
	for len(data) >= 8 {
		n := int(binary.BigEndian.Uint32(data[4:8]))
		data = data[8:]
		n = min(n, len(data))
		out.Write(data[:n])
		data = data[n:]
	}
	return out.String()
}
