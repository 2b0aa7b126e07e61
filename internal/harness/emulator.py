"""Runs moto_server with the calls moto 5.2.1 lacks that the stacks need.

- Application Auto Scaling tags: the AWS provider reads and writes the tags of
  every aws_appautoscaling_target (ListTagsForResource, TagResource,
  UntagResource, and Tags on RegisterScalableTarget). moto 5.2.1 has no
  handlers for them, so a create never finishes. They are kept in memory per
  scalable-target ARN.
- AWS Backup selections (Create/Get/Delete/ListBackupSelections) and
  restore testing plans and selections (Create/Get/Update/Delete/List of
  each, the plans' tags too), with the shapes of AWS's API reference. As
  on AWS, a backup plan or a restore testing plan that still has
  selections is not deleted, and a selection needs an existing plan. A
  vault lists no recovery points (ListRecoveryPointsByBackupVault: the
  emulator runs no backup). ListTags takes the ARN with or without the
  trailing slash (moto 5.2.1 needs it; the Go SDK sends none).
- CloudFront VPC origins (CreateVpcOrigin, GetVpcOrigin, UpdateVpcOrigin,
  DeleteVpcOrigin, ListVpcOrigins), with the shapes of AWS's API reference
  (botocore's model serializes them). As on AWS, creating the first VPC
  origin of a VPC creates CloudFront's managed security group
  CloudFront-VPCOrigins-Service-SG in it; a distribution's origin keeps its
  VpcOriginConfig (moto drops it).

Then it starts moto's own server with the same command-line arguments as
moto_server.
"""
import datetime
import json
import time
import uuid
from urllib.parse import unquote

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.backup import urls as backup_urls
from moto.backup.exceptions import InvalidRequestException, ResourceNotFoundException
from moto.backup.responses import BackupResponse
from moto.cloudfront import models as cloudfront_models
from moto.cloudfront.exceptions import CloudFrontException, InvalidIfMatchVersion
from moto.cloudfront import urls as cloudfront_urls
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.elbv2.models import elbv2_backends
from moto.server import main

_tags = {}  # scalable target ARN -> {key: value}


def _list_tags_for_resource(self):
    return json.dumps({"Tags": _tags.get(self._get_param("ResourceARN"), {})})


def _tag_resource(self):
    _tags.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
    return json.dumps({})


def _untag_resource(self):
    tags = _tags.get(self._get_param("ResourceARN"), {})
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return json.dumps({})


_register = ApplicationAutoScalingResponse.register_scalable_target


def _register_scalable_target(self):
    body = _register(self)
    tags = self._get_param("Tags")
    if tags:
        _tags.setdefault(json.loads(body)["ScalableTargetARN"], {}).update(tags)
    return body


ApplicationAutoScalingResponse.register_scalable_target = _register_scalable_target
ApplicationAutoScalingResponse.list_tags_for_resource = _list_tags_for_resource
ApplicationAutoScalingResponse.tag_resource = _tag_resource
ApplicationAutoScalingResponse.untag_resource = _untag_resource

# AWS Backup selections and restore testing.

_selections = {}  # (account, region, plan id) -> {selection id: GetBackupSelection's shape}
_rt_plans = {}  # (account, region) -> {plan name: RestoreTestingPlanForGet}
_rt_selections = {}  # (account, region, plan name) -> {selection name: RestoreTestingSelectionForGet}


def _parts(self):
    return [unquote(p) for p in self.path.split("?")[0].strip("/").split("/")]


def _body(self):
    return json.loads(self.body or "{}")


def _plan_selections(self, plan_id):
    self.backup_backend.get_backup_plan(backup_plan_id=plan_id, version_id=None)  # 404 for an unknown plan
    return _selections.setdefault((self.current_account, self.region, plan_id), {})


def _create_backup_selection(self):
    plan_id = _parts(self)[2]
    selection = _body(self)["BackupSelection"]
    selection_id = str(uuid.uuid4())
    item = {"BackupSelection": selection, "SelectionId": selection_id, "BackupPlanId": plan_id,
            "CreationDate": time.time(), "CreatorRequestId": _body(self).get("CreatorRequestId", "")}
    _plan_selections(self, plan_id)[selection_id] = item
    return json.dumps({k: item[k] for k in ("SelectionId", "BackupPlanId", "CreationDate")})


def _get_backup_selection(self):
    _, _, plan_id, _, selection_id = _parts(self)
    item = _plan_selections(self, plan_id).get(selection_id)
    if item is None:
        raise ResourceNotFoundException(f"Backup selection {selection_id} of plan {plan_id} not found")
    return json.dumps(item)


def _delete_backup_selection(self):
    _, _, plan_id, _, selection_id = _parts(self)
    if _plan_selections(self, plan_id).pop(selection_id, None) is None:
        raise ResourceNotFoundException(f"Backup selection {selection_id} of plan {plan_id} not found")
    return json.dumps({})


def _list_backup_selections(self):
    plan_id = _parts(self)[2]
    items = [{"SelectionId": i["SelectionId"], "SelectionName": i["BackupSelection"]["SelectionName"],
              "BackupPlanId": plan_id, "CreationDate": i["CreationDate"], "IamRoleArn": i["BackupSelection"]["IamRoleArn"]}
             for i in _plan_selections(self, plan_id).values()]
    return json.dumps({"BackupSelectionsList": items})


_delete_plan = BackupResponse.delete_backup_plan


def _delete_backup_plan(self):
    if _selections.get((self.current_account, self.region, _parts(self)[-1])):
        raise InvalidRequestException("Related backup plan selections must be deleted prior to backup plan deletion")
    return _delete_plan(self)


def _rt_plan_arn(self, name):
    return f"arn:aws:backup:{self.region}:{self.current_account}:restore-testing-plan:{name}-{uuid.uuid4().hex[:6]}"


def _rt_plans_here(self):
    return _rt_plans.setdefault((self.current_account, self.region), {})


def _rt_plan(self, name):
    plan = _rt_plans_here(self).get(name)
    if plan is None:
        raise ResourceNotFoundException(f"Restore testing plan {name} not found")
    return plan


def _create_restore_testing_plan(self):
    given = _body(self)["RestoreTestingPlan"]
    name = given["RestoreTestingPlanName"]
    if name in _rt_plans_here(self):
        raise InvalidRequestException(f"Restore testing plan {name} already exists")
    now = time.time()
    plan = dict(given, RestoreTestingPlanArn=_rt_plan_arn(self, name), CreationTime=now, LastUpdateTime=now,
                CreatorRequestId=_body(self).get("CreatorRequestId", ""))
    plan.setdefault("ScheduleExpressionTimezone", "Etc/UTC")
    _rt_plans_here(self)[name] = plan
    if _body(self).get("Tags"):
        self.backup_backend.tag_resource(resource_arn=plan["RestoreTestingPlanArn"], tags=_body(self)["Tags"])
    return 201, {}, json.dumps({k: plan[k] for k in ("CreationTime", "RestoreTestingPlanArn", "RestoreTestingPlanName")})


def _get_restore_testing_plan(self):
    return json.dumps({"RestoreTestingPlan": _rt_plan(self, _parts(self)[2])})


def _update_restore_testing_plan(self):
    plan = _rt_plan(self, _parts(self)[2])
    plan.update(_body(self)["RestoreTestingPlan"])
    plan["LastUpdateTime"] = time.time()
    return json.dumps({"CreationTime": plan["CreationTime"], "RestoreTestingPlanArn": plan["RestoreTestingPlanArn"],
                       "RestoreTestingPlanName": plan["RestoreTestingPlanName"], "UpdateTime": plan["LastUpdateTime"]})


def _delete_restore_testing_plan(self):
    name = _parts(self)[2]
    _rt_plan(self, name)
    if _rt_selections.get((self.current_account, self.region, name)):
        raise InvalidRequestException(f"Restore testing plan {name} has selections: delete them first")
    del _rt_plans_here(self)[name]
    return 204, {}, ""


def _list_restore_testing_plans(self):
    return json.dumps({"RestoreTestingPlans": [{k: p[k] for k in ("CreationTime", "RestoreTestingPlanArn", "RestoreTestingPlanName",
                                                                    "ScheduleExpression", "LastUpdateTime")} for p in _rt_plans_here(self).values()]})


def _rt_plan_selections(self, plan):
    _rt_plan(self, plan)
    return _rt_selections.setdefault((self.current_account, self.region, plan), {})


def _rt_selection(self):
    _, _, plan, _, name = _parts(self)
    selection = _rt_plan_selections(self, plan).get(name)
    if selection is None:
        raise ResourceNotFoundException(f"Restore testing selection {name} of plan {plan} not found")
    return selection


def _create_restore_testing_selection(self):
    plan = _parts(self)[2]
    given = _body(self)["RestoreTestingSelection"]
    name = given["RestoreTestingSelectionName"]
    if name in _rt_plan_selections(self, plan):
        raise InvalidRequestException(f"Restore testing selection {name} already exists")
    selection = dict(given, RestoreTestingPlanName=plan, CreationTime=time.time(),
                     CreatorRequestId=_body(self).get("CreatorRequestId", ""))
    _rt_plan_selections(self, plan)[name] = selection
    return 201, {}, json.dumps({"CreationTime": selection["CreationTime"], "RestoreTestingPlanArn": _rt_plan(self, plan)["RestoreTestingPlanArn"],
                                "RestoreTestingPlanName": plan, "RestoreTestingSelectionName": name})


def _get_restore_testing_selection(self):
    return json.dumps({"RestoreTestingSelection": _rt_selection(self)})


def _update_restore_testing_selection(self):
    selection = _rt_selection(self)
    selection.update(_body(self)["RestoreTestingSelection"])
    selection["UpdateTime"] = time.time()
    return json.dumps({"CreationTime": selection["CreationTime"], "RestoreTestingPlanArn": _rt_plan(self, selection["RestoreTestingPlanName"])["RestoreTestingPlanArn"],
                       "RestoreTestingPlanName": selection["RestoreTestingPlanName"],
                       "RestoreTestingSelectionName": selection["RestoreTestingSelectionName"], "UpdateTime": selection["UpdateTime"]})


def _delete_restore_testing_selection(self):
    _, _, plan, _, name = _parts(self)
    _rt_selection(self)
    del _rt_plan_selections(self, plan)[name]
    return 204, {}, ""


def _list_restore_testing_selections(self):
    plan = _parts(self)[2]
    return json.dumps({"RestoreTestingSelections": [
        {k: s.get(k) for k in ("CreationTime", "IamRoleArn", "ProtectedResourceType", "RestoreTestingPlanName",
                               "RestoreTestingSelectionName", "ValidationWindowHours")}
        for s in _rt_plan_selections(self, plan).values()]})


def _list_tags(self):
    arn = unquote(self.path.split("?")[0]).split("/tags/", 1)[1].strip("/")
    return json.dumps({"Tags": self.backup_backend.list_tags(resource_arn=arn)})


def _list_recovery_points_by_backup_vault(self):
    self.backup_backend.describe_backup_vault(_parts(self)[1])  # 404 for an unknown vault
    return json.dumps({"RecoveryPoints": []})


for _name, _handler in {
    "list_tags": _list_tags,
    "list_recovery_points_by_backup_vault": _list_recovery_points_by_backup_vault,
    "create_backup_selection": _create_backup_selection, "get_backup_selection": _get_backup_selection,
    "delete_backup_selection": _delete_backup_selection, "list_backup_selections": _list_backup_selections,
    "delete_backup_plan": _delete_backup_plan,
    "create_restore_testing_plan": _create_restore_testing_plan, "get_restore_testing_plan": _get_restore_testing_plan,
    "update_restore_testing_plan": _update_restore_testing_plan, "delete_restore_testing_plan": _delete_restore_testing_plan,
    "list_restore_testing_plans": _list_restore_testing_plans,
    "create_restore_testing_selection": _create_restore_testing_selection,
    "get_restore_testing_selection": _get_restore_testing_selection,
    "update_restore_testing_selection": _update_restore_testing_selection,
    "delete_restore_testing_selection": _delete_restore_testing_selection,
    "list_restore_testing_selections": _list_restore_testing_selections,
}.items():
    setattr(BackupResponse, _name, _handler)
backup_urls.url_paths["{0}/backup-vaults/(?P<vault>[^/]+)/recovery-points/$"] = BackupResponse.dispatch
backup_urls.url_paths["{0}/restore-testing/plans/?$"] = BackupResponse.dispatch
backup_urls.url_paths["{0}/restore-testing/plans/(?P<name>[^/]+)/?$"] = BackupResponse.dispatch
backup_urls.url_paths["{0}/restore-testing/plans/(?P<name>[^/]+)/selections/?$"] = BackupResponse.dispatch
backup_urls.url_paths["{0}/restore-testing/plans/(?P<name>[^/]+)/selections/(?P<selection>[^/]+)/?$"] = BackupResponse.dispatch

# CloudFront VPC origins.

MANAGED_SECURITY_GROUP = "CloudFront-VPCOrigins-Service-SG"

_vpc_origins = {}  # id -> VpcOrigin (the API's shape), with its ETag


class EntityNotFound(CloudFrontException):
    def __init__(self, origin_id):
        super().__init__("EntityNotFound", "The VPC origin %s does not exist." % origin_id)


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _managed_security_group(account, endpoint_arn):
    """Creates CloudFront's security group in the VPC of the load balancer
    endpoint_arn names, once per VPC, as AWS does."""
    region = endpoint_arn.split(":")[3]
    lb = elbv2_backends[account][region].load_balancers.get(endpoint_arn)
    if lb is None:
        return
    ec2 = ec2_backends[account][region]
    for group in ec2.describe_security_groups(filters={"vpc-id": [lb.vpc_id], "group-name": [MANAGED_SECURITY_GROUP]}):
        return
    ec2.create_security_group(MANAGED_SECURITY_GROUP, "CloudFront VPC origins", vpc_id=lb.vpc_id)


def _vpc_origin_result(origin):
    return ActionResult({"VpcOrigin": origin["VpcOrigin"], "ETag": origin["ETag"]})


def _find(self, if_match=False):
    origin = _vpc_origins.get(self._get_param("Id"))
    if origin is None:
        raise EntityNotFound(self._get_param("Id"))
    if if_match and self._get_param("IfMatch") != origin["ETag"]:
        raise InvalidIfMatchVersion()
    return origin


def _create_vpc_origin(self):
    config = self._get_param("VpcOriginEndpointConfig", {})
    origin_id = "vo_" + uuid.uuid4().hex[:20]
    arn = "arn:aws:cloudfront::%s:vpcorigin/%s" % (self.current_account, origin_id)
    now = _now()
    origin = {"VpcOrigin": {"Id": origin_id, "Arn": arn, "Status": "Deployed", "CreatedTime": now,
                            "LastModifiedTime": now, "VpcOriginEndpointConfig": config},
              "ETag": uuid.uuid4().hex[:14].upper()}
    _vpc_origins[origin_id] = origin
    tags = self._get_param("Tags.Items", [])
    if tags:
        self.backend.tag_resource(resource=arn, tags=tags)
    _managed_security_group(self.current_account, config.get("Arn", ""))
    return ActionResult({"VpcOrigin": origin["VpcOrigin"], "ETag": origin["ETag"],
                         "Location": "https://cloudfront.amazonaws.com/2020-05-31/vpc-origin/" + origin_id})


def _get_vpc_origin(self):
    return _vpc_origin_result(_find(self))


def _update_vpc_origin(self):
    origin = _find(self, if_match=True)
    origin["VpcOrigin"]["VpcOriginEndpointConfig"] = self._get_param("VpcOriginEndpointConfig", {})
    origin["VpcOrigin"]["LastModifiedTime"] = _now()
    origin["ETag"] = uuid.uuid4().hex[:14].upper()
    return _vpc_origin_result(origin)


def _delete_vpc_origin(self):
    origin = _find(self, if_match=True)
    del _vpc_origins[origin["VpcOrigin"]["Id"]]
    return _vpc_origin_result(origin)


def _list_vpc_origins(self):
    items = [{"Id": o["VpcOrigin"]["Id"], "Arn": o["VpcOrigin"]["Arn"], "Name": o["VpcOrigin"]["VpcOriginEndpointConfig"].get("Name", ""),
              "Status": o["VpcOrigin"]["Status"], "CreatedTime": o["VpcOrigin"]["CreatedTime"],
              "LastModifiedTime": o["VpcOrigin"]["LastModifiedTime"],
              "OriginEndpointArn": o["VpcOrigin"]["VpcOriginEndpointConfig"].get("Arn", "")} for o in _vpc_origins.values()]
    return ActionResult({"VpcOriginList": {"Marker": "", "MaxItems": 100, "IsTruncated": False,
                                           "Quantity": len(items), "Items": items or None}})


CloudFrontResponse.create_vpc_origin = _create_vpc_origin
CloudFrontResponse.get_vpc_origin = _get_vpc_origin
CloudFrontResponse.update_vpc_origin = _update_vpc_origin
CloudFrontResponse.delete_vpc_origin = _delete_vpc_origin
CloudFrontResponse.list_vpc_origins = _list_vpc_origins
cloudfront_urls.url_paths["{0}/2020-05-31/vpc-origin$"] = CloudFrontResponse.dispatch
cloudfront_urls.url_paths["{0}/2020-05-31/vpc-origin/(?P<Id>[^/]+)$"] = CloudFrontResponse.dispatch

_origin_init = cloudfront_models.Origin.__init__


def _origin_keeps_vpc_origin_config(self, origin):
    _origin_init(self, origin)
    self.vpc_origin_config = origin.get("VpcOriginConfig")


cloudfront_models.Origin.__init__ = _origin_keeps_vpc_origin_config

if __name__ == "__main__":
    main()
