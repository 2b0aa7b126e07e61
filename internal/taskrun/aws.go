package taskrun

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Emulator answers AWS API requests (harness.Emulator does).
type Emulator interface {
	Request(service, region, method, path string, header map[string]string, body string) (int, []byte, error)
}

// awsAPI calls the JSON 1.1 APIs ECS's agent uses, in one region.
type awsAPI struct {
	emulator Emulator
	region   string
}

// call posts in as target's request and decodes the answer into out.
func (a awsAPI) call(service, target string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	code, resp, err := a.emulator.Request(service, a.region, "POST", "/", map[string]string{
		"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}, string(body))
	if err != nil {
		return err
	}
	if code != 200 {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if json.Unmarshal(resp, &e) == nil && e.Type != "" {
			return fmt.Errorf("%s: %s", e.Type[strings.LastIndex(e.Type, "#")+1:], e.Message)
		}
		return fmt.Errorf("%s answered %d: %s", target, code, resp)
	}
	return json.Unmarshal(resp, out)
}

// resolveSecret is what ECS does with a secret's valueFrom: a Secrets
// Manager ARN, optionally followed by :<json-key>:<version-stage>:<version-id>,
// or an SSM parameter's ARN or name.
func (a awsAPI) resolveSecret(valueFrom string) (string, error) {
	parts := strings.Split(valueFrom, ":")
	if !strings.HasPrefix(valueFrom, "arn:") || (len(parts) > 2 && parts[2] == "ssm") {
		// GetParameter takes a parameter's name or its full ARN.
		name := valueFrom
		var out struct {
			Parameter struct{ Value string } `json:"Parameter"`
		}
		if err := a.call("ssm", "AmazonSSM.GetParameter", map[string]any{"Name": name, "WithDecryption": true}, &out); err != nil {
			return "", fmt.Errorf("SSM parameter %s: %w", name, err)
		}
		return out.Parameter.Value, nil
	}
	if len(parts) < 7 || parts[2] != "secretsmanager" || parts[5] != "secret" {
		return "", fmt.Errorf("%q is neither a Secrets Manager secret ARN nor an SSM parameter", valueFrom)
	}
	arn := strings.Join(parts[:7], ":")
	var key, stage, version string
	if len(parts) > 7 {
		if len(parts) != 10 {
			return "", fmt.Errorf("%q: after the secret's ARN ECS expects :<json-key>:<version-stage>:<version-id> (each may be empty), got %d parts", valueFrom, len(parts)-7)
		}
		key, stage, version = parts[7], parts[8], parts[9]
	}
	req := map[string]string{"SecretId": arn}
	if stage != "" {
		req["VersionStage"] = stage
	}
	if version != "" {
		req["VersionId"] = version
	}
	var out struct {
		SecretString string `json:"SecretString"`
	}
	if err := a.call("secretsmanager", "secretsmanager.GetSecretValue", req, &out); err != nil {
		return "", fmt.Errorf("secret %s: %w", arn, err)
	}
	if key == "" {
		return out.SecretString, nil
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(out.SecretString), &fields); err != nil {
		return "", fmt.Errorf("secret %s is not a JSON object, so it has no key %q", arn, key)
	}
	v, ok := fields[key]
	if !ok {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return "", fmt.Errorf("secret %s has no JSON key %q (its keys: %s)", arn, key, strings.Join(keys, ", "))
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, _ := json.Marshal(v)
	return string(b), nil
}

// logGroupExists reports whether the log group name exists.
func (a awsAPI) logGroupExists(name string) (bool, error) {
	var out struct {
		LogGroups []struct {
			LogGroupName string `json:"logGroupName"`
		} `json:"logGroups"`
	}
	if err := a.call("logs", "Logs_20140328.DescribeLogGroups", map[string]string{"logGroupNamePrefix": name}, &out); err != nil {
		return false, err
	}
	for _, g := range out.LogGroups {
		if g.LogGroupName == name {
			return true, nil
		}
	}
	return false, nil
}

// ECRLogin is the user and password the emulator's ECR API hands out in
// region (GetAuthorizationToken), as the ECS agent and a promote use them.
func ECRLogin(e Emulator, region string) (string, string, error) {
	return awsAPI{emulator: e, region: region}.ecrLogin()
}

// ResolveSecret is what ECS injects for a secret's valueFrom in region.
func ResolveSecret(e Emulator, region, valueFrom string) (string, error) {
	return awsAPI{emulator: e, region: region}.resolveSecret(valueFrom)
}

func (a awsAPI) ecrLogin() (string, string, error) {
	var out struct {
		AuthorizationData []struct {
			AuthorizationToken string `json:"authorizationToken"`
		} `json:"authorizationData"`
	}
	if err := a.call("ecr", "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken", map[string]string{}, &out); err != nil {
		return "", "", fmt.Errorf("ECR GetAuthorizationToken: %w", err)
	}
	if len(out.AuthorizationData) == 0 {
		return "", "", fmt.Errorf("ECR GetAuthorizationToken returned no token")
	}
	raw, err := base64.StdEncoding.DecodeString(out.AuthorizationData[0].AuthorizationToken)
	if err != nil {
		return "", "", fmt.Errorf("ECR token: %w", err)
	}
	user, password, _ := strings.Cut(string(raw), ":")
	return user, password, nil
}
