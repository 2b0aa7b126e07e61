package registry

// In-container paths and ports of the registry.
const (
	ContainerRootDir  = "/var/lib/registry"
	ContainerPort     = 5000
	ContainerDebug    = "127.0.0.1:5001"
	ContainerConfig   = "/etc/docker/registry/config.yml"
	ContainerHTPasswd = "/auth/htpasswd"
	containerTLSCert  = "/certs/registry.crt"
	containerTLSKey   = "/certs/registry.key"
)
