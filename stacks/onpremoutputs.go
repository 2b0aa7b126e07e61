package stacks

import (
	"fmt"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/localimage"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
)

// addOutputs are the on-prem stack's outputs: where the apps answer, what
// a release records, the platform's addresses and its restore commands.
func (s *OnPrem) addOutputs(p *config.Project, in *onPremInputs, migrationImages map[string]*localimage.LocalImage) {
	o := p.OnPrem
	conn := s.Postgres.Connection()
	urls, siteURLs := map[string]string{}, map[string]string{}
	for _, a := range p.Apps {
		if _, ok := s.Services[a.Name]; ok {
			urls[a.Name] = restservice.URL(o.AppsBindAddress, a.HostPort)
		}
		if _, ok := s.Sites[a.Name]; ok {
			siteURLs[a.Name] = restservice.URL(o.AppsBindAddress, a.HostPort)
		}
	}
	if len(urls) > 0 {
		output(s.TerraformStack, "service_urls", urls, "Where each api/model app answers on the home server.")
	}
	if len(siteURLs) > 0 {
		output(s.TerraformStack, "site_urls", siteURLs, "Where each site answers on the home server.")
	}
	releaseOutputs(s.TerraformStack, in, s.Services, s.Databases, migrationImages)
	output(s.TerraformStack, "platform_network", s.Network.Name(), "Docker network every on-prem container joins.")
	output(s.TerraformStack, "platform_network_id", s.Network.ID(), "Id of the platform Docker network.")
	output(s.TerraformStack, "docker_host", o.DockerHost, "Docker daemon the stack deploys to.")
	output(s.TerraformStack, "registry_address", s.Registry.Address(), "Push and pull images here: <address>/<api|site|model>/<app>:<tag>.")
	output(s.TerraformStack, "registry_volumes", map[string]*string{"primary": s.Registry.DataVolume.Name(), "backup": s.Registry.BackupVolume.Name()}, "Registry storage and its snapshots.")
	output(s.TerraformStack, "registry_restore_command", registry.RestoreShellCommand(o.DockerHost, registry.ContainerName(p.Name), registry.ContainerName(p.Name)+"-backup"),
		"Restores the registry from its newest snapshot (append a snapshot file name for another); the registry is started again whatever happens.")
	restores := map[string]string{}
	for _, spec := range in.databases {
		restores[spec.App] = s.PostgresBackup.RestoreShellCommand(o.DockerHost, spec.Database())
	}
	output(s.TerraformStack, "postgres_backup_volume", s.PostgresBackup.Volume.Name(), "Daily pg_dump backups of every app database and the globals.")
	if len(restores) > 0 {
		output(s.TerraformStack, "postgres_restore_commands", restores, "Restores an app's database from its newest backup (append an archive name for another); other databases are untouched.")
	}
	output(s.TerraformStack, "postgres_address", fmt.Sprintf("%s:%d", o.Postgres.Host, o.Postgres.Port), "Where the postgresql provider reaches the cluster.")
	output(s.TerraformStack, "postgres_host", conn.Host, "Host address PostgreSQL is published on.")
	output(s.TerraformStack, "postgres_port", conn.Port, "Host port PostgreSQL is published on.")
	output(s.TerraformStack, "postgres_internal_address", fmt.Sprintf("%s:%d", conn.InternalHost, conn.InternalPort), "PostgreSQL on the platform network, for app containers.")
}
