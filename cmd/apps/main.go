// Command apps lists the project's apps for deploy scripts, one per line:
//
//	<kind> <name> <source dir> <migration image tag or empty>
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
	"github.com/homecloud-dev/fullstack/flyway"
)

func main() {
	path := flag.String("project", config.DefaultFile, "project file")
	nameOnly := flag.Bool("name", false, "print only the project name")
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
		}
		fmt.Printf("%s %s %s %s\n", a.Kind, a.Name, filepath.Join(p.Dir, a.Source), tag)
	}
}
