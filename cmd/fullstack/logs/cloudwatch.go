package logs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/homecloud-dev/fullstack/awsclient"
	"github.com/homecloud-dev/fullstack/naming"
)

// pollInterval is how often -follow asks CloudWatch for new events.
const pollInterval = 2 * time.Second

// cloudWatchLogs prints the app's (or its Flyway runs') log group from
// req.since, every stream interleaved by time; with follow it polls on.
func cloudWatchLogs(ctx context.Context, req request, out io.Writer) error {
	cfg, region, err := awsclient.Config(ctx, req.p)
	if err != nil {
		return err
	}
	client := cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) { o.BaseEndpoint = awsclient.BaseEndpoint(req.p) })
	group := naming.AppLogGroup(req.p.Name, req.app.Name).Value
	if req.migrations {
		group = naming.AppFlywayLogGroup(req.p.Name, req.app.Name).Value
	}
	from := req.since.UnixMilli()
	// seen holds the ids of the events at the newest timestamp printed:
	// the next poll starts at that millisecond again, so as not to miss
	// events that arrived in it later.
	seen := map[string]bool{}
	for {
		last, err := printEvents(ctx, client, group, from, seen, out)
		if err != nil {
			var missing *types.ResourceNotFoundException
			if errors.As(err, &missing) {
				return fmt.Errorf("log group %s does not exist in %s: is %s deployed (cdktf deploy cloud)?", group, region, req.app.Name)
			}
			return fmt.Errorf("CloudWatch Logs in %s, %s: %s", region, group, strings.Join(strings.Fields(err.Error()), " "))
		}
		from = max(from, last)
		if !req.follow {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollInterval):
		}
	}
}

// printEvents prints the group's events from `from` (ms) that seen does
// not hold, and returns the newest timestamp printed.
func printEvents(ctx context.Context, client *cloudwatchlogs.Client, group string, from int64, seen map[string]bool, out io.Writer) (int64, error) {
	last := from
	var token *string
	for {
		page, err := client.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName: aws.String(group), StartTime: aws.Int64(from), NextToken: token,
		})
		if err != nil {
			return last, err
		}
		for _, e := range page.Events {
			id := aws.ToString(e.EventId)
			ts := aws.ToInt64(e.Timestamp)
			if seen[id] {
				continue
			}
			if ts > last {
				last = ts
				clear(seen)
			}
			seen[id] = true
			fmt.Fprintf(out, "%s %s\n", time.UnixMilli(ts).UTC().Format(time.RFC3339Nano), strings.TrimRight(aws.ToString(e.Message), "\n"))
		}
		if page.NextToken == nil || aws.ToString(page.NextToken) == aws.ToString(token) {
			return last, nil
		}
		token = page.NextToken
	}
}
