package registry

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
)

// Namespace organises the registry: api for REST APIs, site for front ends,
// model for machine-learning models. It is the app kind.
type Namespace string

// The namespaces.
const (
	API   Namespace = "api"
	Site  Namespace = "site"
	Model Namespace = "model"
)

var (
	repoName = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*$`)
	tagName  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
)

// Address is where the Docker daemon on the server pushes to and pulls
// from: the bind address and port, with loopback for "every interface".
func Address(bindAddress string, port int) string {
	host := bindAddress
	if a, err := netip.ParseAddr(bindAddress); err == nil && a.IsUnspecified() {
		host = "127.0.0.1"
	}
	return host + ":" + strconv.Itoa(port)
}

// ImageRef is the one way to name an image in the registry at address:
// <address>/<namespace>/<app>:<tag>.
func ImageRef(address string, ns Namespace, app, tag string) (string, error) {
	switch ns {
	case API, Site, Model:
	default:
		return "", fmt.Errorf("Namespace %q: is not one of api, site, model", ns)
	}
	if !repoName.MatchString(app) {
		return "", fmt.Errorf("App %q: is not a repository name (lowercase letters, digits, single separators)", app)
	}
	if !tagName.MatchString(tag) {
		return "", fmt.Errorf("tag %q: is not a Docker tag (letters, digits, '_', '.', '-', at most 128)", tag)
	}
	return address + "/" + string(ns) + "/" + app + ":" + tag, nil
}
