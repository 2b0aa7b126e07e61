package graphcheck

import (
	"strings"
	"testing"
)

func hardeningStack(container, volumes string) []byte {
	return []byte(`{"resource":{"aws_ecs_task_definition":{"api":{"container_definitions":"[` + strings.ReplaceAll(container, `"`, `\"`) + `]"` + volumes + `}}}}`)
}

const locked = `{"name":"api","readonlyRootFilesystem":true,"user":"65532:65532","linuxParameters":{"capabilities":{"drop":["ALL"]},"initProcessEnabled":true},"mountPoints":[{"sourceVolume":"writable-tmp","containerPath":"/tmp"}]}`

func TestTaskHardening(t *testing.T) {
	withTmp := `,"volume":[{"name":"writable-tmp"}]`
	for _, c := range []struct {
		name, container, volumes string
		want                     []string
	}{
		{"locked down", locked, withTmp, nil},
		{"writable root", strings.Replace(locked, `"readonlyRootFilesystem":true`, `"readonlyRootFilesystem":false`, 1), withTmp, []string{"container api has a writable root filesystem"}},
		{"root user", strings.Replace(locked, `65532:65532`, `0:0`, 1), withTmp, []string{`container api runs as "0:0"`}},
		{"image's user", strings.Replace(locked, `"user":"65532:65532",`, ``, 1), withTmp, []string{`container api runs as ""`}},
		{"capabilities kept", strings.Replace(locked, `"drop":["ALL"]`, `"drop":["NET_RAW"]`, 1), withTmp, []string{"keeps Docker's default capabilities"}},
		{"no init", strings.Replace(locked, `"initProcessEnabled":true`, `"initProcessEnabled":false`, 1), withTmp, []string{"has no init process"}},
		{"volume missing", locked, ``, []string{`mounts /tmp from volume "writable-tmp", which the task definition does not define`}},
		{"everything at once", `{"name":"api"}`, ``, []string{"writable root filesystem", "runs as", "capabilities", "init process"}},
	} {
		err := TaskHardening(hardeningStack(c.container, c.volumes))
		expectErrors(t, c.name, err, c.want)
	}
}
