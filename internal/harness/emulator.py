"""Runs moto_server with the calls moto 5.2.1 lacks that the stacks need.

- Application Auto Scaling tags: the AWS provider reads and writes the tags of
  every aws_appautoscaling_target (ListTagsForResource, TagResource,
  UntagResource, and Tags on RegisterScalableTarget). moto 5.2.1 has no
  handlers for them, so a create never finishes. They are kept in memory per
  scalable-target ARN.
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
import uuid

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
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
