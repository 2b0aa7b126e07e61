// Command apps lists the project's apps for deploy scripts, one per line:
//
//	<kind> <name> <source dir> <migration image tag or empty> [<migration image context>]
//
// With -migration-contexts DIR it also writes each migration image's build
// context (dbspec.PrepareMigrationContext: the Dockerfile, the migrations
// and the app role callback) to DIR/<app> and prints its path.
//
// With -name it prints the project name instead. It reads the project file like the main program (-project or
// FULLSTACK_PROJECT, default fullstack.yaml) and needs no jsii.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/flyway"
)

func main() {
	path := flag.String("project", config.DefaultFile, "project file")
	nameOnly := flag.Bool("name", false, "print only the project name")
	contexts := flag.String("migration-contexts", "", "write each migration image's build context to `dir`/<app> and print its path")
	flag.Parse()
	if v := os.Getenv("FULLSTACK_PROJECT"); v != "" && *path == config.DefaultFile {
		*path = v
	}
	p, err := config.Load(*path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *nameOnly {
		fmt.Println(p.Name)
		return
	}
	for _, a := range p.Apps {
		tag := ""
		if a.Database.Enabled {
			ms, err := p.AppMigrations(a.Name)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			tag = flyway.ImageTag(ms)
			if *contexts != "" {
				dir, err := filepath.Abs(filepath.Join(*contexts, a.Name))
				if err == nil {
					_, err = dbspec.PrepareMigrationContext(dir, ms)
				}
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				tag += " " + dir
			}
		}
		fmt.Printf("%s %s %s %s\n", a.Kind, a.Name, filepath.Join(p.Dir, a.Source), tag)
	}
}
