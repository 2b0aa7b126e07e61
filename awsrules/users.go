package awsrules

import (
	"path"
	"strings"
)

// IsRootUser reports whether a container definition's user ("uid",
// "uid:gid" or a name) runs the container as root: uid 0 written any way,
// or the name root.
func IsRootUser(user string) bool {
	u, _, _ := strings.Cut(user, ":")
	return u == "root" || (u != "" && strings.Trim(u, "0") == "")
}

// MinUnprivilegedPort is the lowest port a non-root process without
// capabilities may bind on Fargate.
const MinUnprivilegedPort = 1024

// NonRootUser is the user an app's container runs as unless told
// otherwise, on ECS and at home: uid and gid 65532, which owns nothing in
// any image (distroless calls it nonroot).
const NonRootUser = "65532:65532"

// DefaultWritablePaths are the only paths an app's container may write by
// default, on ECS and at home: everything else is the read-only image.
var DefaultWritablePaths = []string{"/tmp"}

// WritablePathRule is what a container's writable path must be; see
// IsWritablePath.
const WritablePathRule = "must be a clean absolute path below / (e.g. /tmp): the rest of the root filesystem is read-only"

// IsWritablePath reports whether p may be a writable path of a task with a
// read-only root filesystem: clean, absolute, and not / itself.
func IsWritablePath(p string) bool {
	return strings.HasPrefix(p, "/") && path.Clean(p) == p && p != "/"
}
