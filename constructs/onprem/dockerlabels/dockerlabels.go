// Package dockerlabels converts a label map into each docker resource's
// label blocks, in a stable (sorted) order so synthesis is deterministic.
package dockerlabels

import (
	"sort"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/network"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/volume"
)

func each(m map[string]string, add func(k, v *string)) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(jsii.String(k), jsii.String(m[k]))
	}
}

// Container labels.
func Container(m map[string]string) *[]*container.ContainerLabels {
	out := []*container.ContainerLabels{}
	each(m, func(k, v *string) { out = append(out, &container.ContainerLabels{Label: k, Value: v}) })
	return &out
}

// Volume labels.
func Volume(m map[string]string) *[]*volume.VolumeLabels {
	out := []*volume.VolumeLabels{}
	each(m, func(k, v *string) { out = append(out, &volume.VolumeLabels{Label: k, Value: v}) })
	return &out
}

// Network labels.
func Network(m map[string]string) *[]*network.NetworkLabels {
	out := []*network.NetworkLabels{}
	each(m, func(k, v *string) { out = append(out, &network.NetworkLabels{Label: k, Value: v}) })
	return &out
}
