# Generated from schemas/case.schema.json by `python -m disputectl.rules.schema` (fastjsonschema).
# Do not edit: change the schema and generate again (tests/test_schema_check.py checks).
# schema sha256: c93fd39dbb20843deca537bbe55822454f24b0976aa1e5a7de7efe8f1fbfb7b1
# ruff: noqa
# mypy: ignore-errors
from decimal import Decimal
import re
class JsonSchemaValueException(ValueError):
    """A case file the schema refuses (fastjsonschema's name for it)."""

    def __init__(self, message, *args, **kwargs):
        super().__init__(message)
        self.message = message


JsonSchemaValuesException = JsonSchemaValueException  # caught where an if/then tries its condition



REGEX_PATTERNS = {
    '^[A-Z]{2,6}-\\d{8}-\\d{3,6}$': re.compile('^[A-Z]{2,6}-\\d{8}-\\d{3,6}\\Z'),
    '^[0-9A-Z*]{18}$': re.compile('^[0-9A-Z*]{18}\\Z'),
    '^[0-9A-Za-z-]{6,64}$': re.compile('^[0-9A-Za-z-]{6,64}\\Z'),
    '^\\d{4}-\\d{2}-\\d{2}$': re.compile('^\\d{4}-\\d{2}-\\d{2}\\Z'),
    '^[a-z_]{2,40}$': re.compile('^[a-z_]{2,40}\\Z'),
    '^[0-9a-f]{32}$': re.compile('^[0-9a-f]{32}\\Z'),
    '^[0-9a-f]{64}$': re.compile('^[0-9a-f]{64}\\Z'),
    '^[0-9a-f]{8}:[a-z]{2,10}:[0-9a-f]{32}$': re.compile('^[0-9a-f]{8}:[a-z]{2,10}:[0-9a-f]{32}\\Z'),
    '^[^/\\\\\\x00]+$': re.compile('^[^/\\\\\\x00]+\\Z'),
    '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?[+-]\\d{2}:\\d{2}$': re.compile('^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?[+-]\\d{2}:\\d{2}\\Z')
}

NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['schema_version', 'id', 'registration', 'actions', 'state']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "schema_version" in data_keys:
            data_keys.remove("schema_version")
            data__schemaversion = data["schema_version"]
            if not (isinstance(data__schemaversion, (int, float)) and not isinstance(data__schemaversion, bool) and data__schemaversion == 1):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".schema_version must be one of [1]")
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            if not isinstance(data__id, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".id must be string")
            if isinstance(data__id, str):
                if not REGEX_PATTERNS['^[A-Z]{2,6}-\\d{8}-\\d{3,6}$'].search(data__id):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".id must match pattern ^[A-Z]{2,6}-\\d{8}-\\d{3,6}$")
        if "registration" in data_keys:
            data_keys.remove("registration")
            data__registration = data["registration"]
            if not isinstance(data__registration, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration must be object")
            data__registration_is_dict = isinstance(data__registration, dict)
            if data__registration_is_dict:
                data__registration__missing_keys = set(['payer', 'phone', 'visit_time', 'channel', 'matter', 'request', 'category', 'region', 'first_officer', 'first_unit', 'attachments']) - data__registration.keys()
                if data__registration__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration must contain ")
                data__registration_keys = set(data__registration.keys())
                if "payer" in data__registration_keys:
                    data__registration_keys.remove("payer")
                    data__registration__payer = data__registration["payer"]
                    if not isinstance(data__registration__payer, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.payer must be object")
                    data__registration__payer_is_dict = isinstance(data__registration__payer, dict)
                    if data__registration__payer_is_dict:
                        data__registration__payer__missing_keys = set(['kind', 'name', 'id_number', 'address']) - data__registration__payer.keys()
                        if data__registration__payer__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.payer must contain ")
                        data__registration__payer_keys = set(data__registration__payer.keys())
                        if "kind" in data__registration__payer_keys:
                            data__registration__payer_keys.remove("kind")
                            data__registration__payer__kind = data__registration__payer["kind"]
                            if not (isinstance(data__registration__payer__kind, str) and data__registration__payer__kind == 'employer' or isinstance(data__registration__payer__kind, str) and data__registration__payer__kind == 'individual'):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.payer.kind must be one of ['employer', 'individual']")
                        if "name" in data__registration__payer_keys:
                            data__registration__payer_keys.remove("name")
                            data__registration__payer__name = data__registration__payer["name"]
                            validate____defs_text(data__registration__payer__name, custom_formats, (name_prefix or "data") + ".registration.payer.name")
                        if "id_number" in data__registration__payer_keys:
                            data__registration__payer_keys.remove("id_number")
                            data__registration__payer__idnumber = data__registration__payer["id_number"]
                            if not isinstance(data__registration__payer__idnumber, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.payer.id_number must be string")
                            if isinstance(data__registration__payer__idnumber, str):
                                if not REGEX_PATTERNS['^[0-9A-Z*]{18}$'].search(data__registration__payer__idnumber):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.payer.id_number must match pattern ^[0-9A-Z*]{18}$")
                        if "contact_person" in data__registration__payer_keys:
                            data__registration__payer_keys.remove("contact_person")
                            data__registration__payer__contactperson = data__registration__payer["contact_person"]
                            if not isinstance(data__registration__payer__contactperson, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.payer.contact_person must be string")
                        if "address" in data__registration__payer_keys:
                            data__registration__payer_keys.remove("address")
                            data__registration__payer__address = data__registration__payer["address"]
                            validate____defs_text(data__registration__payer__address, custom_formats, (name_prefix or "data") + ".registration.payer.address")
                        if data__registration__payer_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.payer must not contain "+str(data__registration__payer_keys)+" properties")
                if "phone" in data__registration_keys:
                    data__registration_keys.remove("phone")
                    data__registration__phone = data__registration["phone"]
                    if not isinstance(data__registration__phone, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.phone must be string")
                    if isinstance(data__registration__phone, str):
                        data__registration__phone_len = len(data__registration__phone)
                        if data__registration__phone_len < 5:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.phone must be longer than or equal to 5 characters")
                        if data__registration__phone_len > 30:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.phone must be shorter than or equal to 30 characters")
                if "visit_time" in data__registration_keys:
                    data__registration_keys.remove("visit_time")
                    data__registration__visittime = data__registration["visit_time"]
                    validate____defs_datetime(data__registration__visittime, custom_formats, (name_prefix or "data") + ".registration.visit_time")
                if "channel" in data__registration_keys:
                    data__registration_keys.remove("channel")
                    data__registration__channel = data__registration["channel"]
                    if not (isinstance(data__registration__channel, str) and data__registration__channel == '来访' or isinstance(data__registration__channel, str) and data__registration__channel == '来电' or isinstance(data__registration__channel, str) and data__registration__channel == '来信' or isinstance(data__registration__channel, str) and data__registration__channel == '网上' or isinstance(data__registration__channel, str) and data__registration__channel == '其他部门转来'):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.channel must be one of ['来访', '来电', '来信', '网上', '其他部门转来']")
                if "matter" in data__registration_keys:
                    data__registration_keys.remove("matter")
                    data__registration__matter = data__registration["matter"]
                    validate____defs_text(data__registration__matter, custom_formats, (name_prefix or "data") + ".registration.matter")
                if "request" in data__registration_keys:
                    data__registration_keys.remove("request")
                    data__registration__request = data__registration["request"]
                    validate____defs_text(data__registration__request, custom_formats, (name_prefix or "data") + ".registration.request")
                if "category" in data__registration_keys:
                    data__registration_keys.remove("category")
                    data__registration__category = data__registration["category"]
                    if not isinstance(data__registration__category, (int)) and not (isinstance(data__registration__category, float) and data__registration__category.is_integer()) or isinstance(data__registration__category, bool):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.category must be integer")
                    if isinstance(data__registration__category, (int, float, Decimal)) and not isinstance(data__registration__category, bool):
                        if data__registration__category < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.category must be bigger than or equal to 1")
                        if data__registration__category > 10:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.category must be smaller than or equal to 10")
                if "region" in data__registration_keys:
                    data__registration_keys.remove("region")
                    data__registration__region = data__registration["region"]
                    if not isinstance(data__registration__region, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.region must be string")
                    if isinstance(data__registration__region, str):
                        data__registration__region_len = len(data__registration__region)
                        if data__registration__region_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.region must be longer than or equal to 1 characters")
                if "first_officer" in data__registration_keys:
                    data__registration_keys.remove("first_officer")
                    data__registration__firstofficer = data__registration["first_officer"]
                    if not isinstance(data__registration__firstofficer, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.first_officer must be string")
                    if isinstance(data__registration__firstofficer, str):
                        data__registration__firstofficer_len = len(data__registration__firstofficer)
                        if data__registration__firstofficer_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.first_officer must be longer than or equal to 1 characters")
                if "first_unit" in data__registration_keys:
                    data__registration_keys.remove("first_unit")
                    data__registration__firstunit = data__registration["first_unit"]
                    if not isinstance(data__registration__firstunit, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.first_unit must be string")
                    if isinstance(data__registration__firstunit, str):
                        data__registration__firstunit_len = len(data__registration__firstunit)
                        if data__registration__firstunit_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.first_unit must be longer than or equal to 1 characters")
                if "attachments" in data__registration_keys:
                    data__registration_keys.remove("attachments")
                    data__registration__attachments = data__registration["attachments"]
                    if not isinstance(data__registration__attachments, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration.attachments must be array")
                    data__registration__attachments_is_list = isinstance(data__registration__attachments, (list, tuple))
                    if data__registration__attachments_is_list:
                        data__registration__attachments_len = len(data__registration__attachments)
                        for data__registration__attachments_x, data__registration__attachments_item in enumerate(data__registration__attachments):
                            validate____defs_file(data__registration__attachments_item, custom_formats, (name_prefix or "data") + ".registration.attachments[{data__registration__attachments_x}]".format(**locals()))
                if "sealed" in data__registration_keys:
                    data__registration_keys.remove("sealed")
                    data__registration__sealed = data__registration["sealed"]
                    validate____defs_sealed(data__registration__sealed, custom_formats, (name_prefix or "data") + ".registration.sealed")
                if data__registration_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".registration must not contain "+str(data__registration_keys)+" properties")
        if "actions" in data_keys:
            data_keys.remove("actions")
            data__actions = data["actions"]
            if not isinstance(data__actions, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions must be array")
            data__actions_is_list = isinstance(data__actions, (list, tuple))
            if data__actions_is_list:
                data__actions_len = len(data__actions)
                if data__actions_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions must contain at least 1 items")
                for data__actions_x, data__actions_item in enumerate(data__actions):
                    if not isinstance(data__actions_item, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must be object")
                    data__actions_item_is_dict = isinstance(data__actions_item, dict)
                    if data__actions_item_is_dict:
                        data__actions_item__missing_keys = set(['id', 'at', 'action', 'actor', 'unit', 'data']) - data__actions_item.keys()
                        if data__actions_item__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must contain ")
                        data__actions_item_keys = set(data__actions_item.keys())
                        if "id" in data__actions_item_keys:
                            data__actions_item_keys.remove("id")
                            data__actions_item__id = data__actions_item["id"]
                            if not isinstance(data__actions_item__id, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].id".format(**locals()) + " must be string")
                            if isinstance(data__actions_item__id, str):
                                if not REGEX_PATTERNS['^[0-9A-Za-z-]{6,64}$'].search(data__actions_item__id):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].id".format(**locals()) + " must match pattern ^[0-9A-Za-z-]{6,64}$")
                        if "at" in data__actions_item_keys:
                            data__actions_item_keys.remove("at")
                            data__actions_item__at = data__actions_item["at"]
                            validate____defs_datetime(data__actions_item__at, custom_formats, (name_prefix or "data") + ".actions[{data__actions_x}].at".format(**locals()))
                        if "occurred" in data__actions_item_keys:
                            data__actions_item_keys.remove("occurred")
                            data__actions_item__occurred = data__actions_item["occurred"]
                            if not isinstance(data__actions_item__occurred, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].occurred".format(**locals()) + " must be string")
                            if isinstance(data__actions_item__occurred, str):
                                if not REGEX_PATTERNS['^\\d{4}-\\d{2}-\\d{2}$'].search(data__actions_item__occurred):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].occurred".format(**locals()) + " must match pattern ^\\d{4}-\\d{2}-\\d{2}$")
                        if "action" in data__actions_item_keys:
                            data__actions_item_keys.remove("action")
                            data__actions_item__action = data__actions_item["action"]
                            if not isinstance(data__actions_item__action, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].action".format(**locals()) + " must be string")
                            if isinstance(data__actions_item__action, str):
                                if not REGEX_PATTERNS['^[a-z_]{2,40}$'].search(data__actions_item__action):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].action".format(**locals()) + " must match pattern ^[a-z_]{2,40}$")
                        if "actor" in data__actions_item_keys:
                            data__actions_item_keys.remove("actor")
                            data__actions_item__actor = data__actions_item["actor"]
                            if not isinstance(data__actions_item__actor, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].actor".format(**locals()) + " must be string")
                            if isinstance(data__actions_item__actor, str):
                                data__actions_item__actor_len = len(data__actions_item__actor)
                                if data__actions_item__actor_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].actor".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "unit" in data__actions_item_keys:
                            data__actions_item_keys.remove("unit")
                            data__actions_item__unit = data__actions_item["unit"]
                            if not isinstance(data__actions_item__unit, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].unit".format(**locals()) + " must be string")
                            if isinstance(data__actions_item__unit, str):
                                data__actions_item__unit_len = len(data__actions_item__unit)
                                if data__actions_item__unit_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].unit".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "data" in data__actions_item_keys:
                            data__actions_item_keys.remove("data")
                            data__actions_item__data = data__actions_item["data"]
                            if not isinstance(data__actions_item__data, (dict)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].data".format(**locals()) + " must be object")
                        if "sealed" in data__actions_item_keys:
                            data__actions_item_keys.remove("sealed")
                            data__actions_item__sealed = data__actions_item["sealed"]
                            validate____defs_sealed(data__actions_item__sealed, custom_formats, (name_prefix or "data") + ".actions[{data__actions_x}].sealed".format(**locals()))
                        if "attachments" in data__actions_item_keys:
                            data__actions_item_keys.remove("attachments")
                            data__actions_item__attachments = data__actions_item["attachments"]
                            if not isinstance(data__actions_item__attachments, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].attachments".format(**locals()) + " must be array")
                            data__actions_item__attachments_is_list = isinstance(data__actions_item__attachments, (list, tuple))
                            if data__actions_item__attachments_is_list:
                                data__actions_item__attachments_len = len(data__actions_item__attachments)
                                for data__actions_item__attachments_x, data__actions_item__attachments_item in enumerate(data__actions_item__attachments):
                                    validate____defs_file(data__actions_item__attachments_item, custom_formats, (name_prefix or "data") + ".actions[{data__actions_x}].attachments[{data__actions_item__attachments_x}]".format(**locals()))
                        if "notices" in data__actions_item_keys:
                            data__actions_item_keys.remove("notices")
                            data__actions_item__notices = data__actions_item["notices"]
                            if not isinstance(data__actions_item__notices, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices".format(**locals()) + " must be array")
                            data__actions_item__notices_is_list = isinstance(data__actions_item__notices, (list, tuple))
                            if data__actions_item__notices_is_list:
                                data__actions_item__notices_len = len(data__actions_item__notices)
                                for data__actions_item__notices_x, data__actions_item__notices_item in enumerate(data__actions_item__notices):
                                    if not isinstance(data__actions_item__notices_item, (dict)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}]".format(**locals()) + " must be object")
                                    data__actions_item__notices_item_is_dict = isinstance(data__actions_item__notices_item, dict)
                                    if data__actions_item__notices_item_is_dict:
                                        data__actions_item__notices_item__missing_keys = set(['kind', 'number', 'path', 'sha256']) - data__actions_item__notices_item.keys()
                                        if data__actions_item__notices_item__missing_keys:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}]".format(**locals()) + " must contain ")
                                        data__actions_item__notices_item_keys = set(data__actions_item__notices_item.keys())
                                        if "kind" in data__actions_item__notices_item_keys:
                                            data__actions_item__notices_item_keys.remove("kind")
                                            data__actions_item__notices_item__kind = data__actions_item__notices_item["kind"]
                                            if not isinstance(data__actions_item__notices_item__kind, (str)):
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].kind".format(**locals()) + " must be string")
                                        if "number" in data__actions_item__notices_item_keys:
                                            data__actions_item__notices_item_keys.remove("number")
                                            data__actions_item__notices_item__number = data__actions_item__notices_item["number"]
                                            if not isinstance(data__actions_item__notices_item__number, (str, NoneType)):
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].number".format(**locals()) + " must be string or null")
                                        if "path" in data__actions_item__notices_item_keys:
                                            data__actions_item__notices_item_keys.remove("path")
                                            data__actions_item__notices_item__path = data__actions_item__notices_item["path"]
                                            if not isinstance(data__actions_item__notices_item__path, (str)):
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].path".format(**locals()) + " must be string")
                                        if "sha256" in data__actions_item__notices_item_keys:
                                            data__actions_item__notices_item_keys.remove("sha256")
                                            data__actions_item__notices_item__sha256 = data__actions_item__notices_item["sha256"]
                                            validate____defs_sha256(data__actions_item__notices_item__sha256, custom_formats, (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].sha256".format(**locals()))
                                        if "states" in data__actions_item__notices_item_keys:
                                            data__actions_item__notices_item_keys.remove("states")
                                            data__actions_item__notices_item__states = data__actions_item__notices_item["states"]
                                            if not isinstance(data__actions_item__notices_item__states, (dict)):
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].states".format(**locals()) + " must be object")
                                            data__actions_item__notices_item__states_is_dict = isinstance(data__actions_item__notices_item__states, dict)
                                            if data__actions_item__notices_item__states_is_dict:
                                                data__actions_item__notices_item__states_keys = set(data__actions_item__notices_item__states.keys())
                                                for data__actions_item__notices_item__states_key in data__actions_item__notices_item__states_keys:
                                                    if data__actions_item__notices_item__states_key not in []:
                                                        data__actions_item__notices_item__states_value = data__actions_item__notices_item__states.get(data__actions_item__notices_item__states_key)
                                                        validate____defs_date(data__actions_item__notices_item__states_value, custom_formats, (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].states.{data__actions_item__notices_item__states_key}".format(**locals()))
                                        if "assumed_years" in data__actions_item__notices_item_keys:
                                            data__actions_item__notices_item_keys.remove("assumed_years")
                                            data__actions_item__notices_item__assumedyears = data__actions_item__notices_item["assumed_years"]
                                            if not isinstance(data__actions_item__notices_item__assumedyears, (list, tuple)):
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].assumed_years".format(**locals()) + " must be array")
                                            data__actions_item__notices_item__assumedyears_is_list = isinstance(data__actions_item__notices_item__assumedyears, (list, tuple))
                                            if data__actions_item__notices_item__assumedyears_is_list:
                                                data__actions_item__notices_item__assumedyears_len = len(data__actions_item__notices_item__assumedyears)
                                                for data__actions_item__notices_item__assumedyears_x, data__actions_item__notices_item__assumedyears_item in enumerate(data__actions_item__notices_item__assumedyears):
                                                    if not isinstance(data__actions_item__notices_item__assumedyears_item, (int)) and not (isinstance(data__actions_item__notices_item__assumedyears_item, float) and data__actions_item__notices_item__assumedyears_item.is_integer()) or isinstance(data__actions_item__notices_item__assumedyears_item, bool):
                                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].assumed_years[{data__actions_item__notices_item__assumedyears_x}]".format(**locals()) + " must be integer")
                                                    if isinstance(data__actions_item__notices_item__assumedyears_item, (int, float, Decimal)) and not isinstance(data__actions_item__notices_item__assumedyears_item, bool):
                                                        if data__actions_item__notices_item__assumedyears_item < 1900:
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].assumed_years[{data__actions_item__notices_item__assumedyears_x}]".format(**locals()) + " must be bigger than or equal to 1900")
                                                        if data__actions_item__notices_item__assumedyears_item > 2200:
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].assumed_years[{data__actions_item__notices_item__assumedyears_x}]".format(**locals()) + " must be smaller than or equal to 2200")
                                        if "replaces" in data__actions_item__notices_item_keys:
                                            data__actions_item__notices_item_keys.remove("replaces")
                                            data__actions_item__notices_item__replaces = data__actions_item__notices_item["replaces"]
                                            if not isinstance(data__actions_item__notices_item__replaces, (str)):
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].replaces".format(**locals()) + " must be string")
                                            if isinstance(data__actions_item__notices_item__replaces, str):
                                                data__actions_item__notices_item__replaces_len = len(data__actions_item__notices_item__replaces)
                                                if data__actions_item__notices_item__replaces_len > 60:
                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}].replaces".format(**locals()) + " must be shorter than or equal to 60 characters")
                                        if data__actions_item__notices_item_keys:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].notices[{data__actions_item__notices_x}]".format(**locals()) + " must not contain "+str(data__actions_item__notices_item_keys)+" properties")
                        if data__actions_item_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must not contain "+str(data__actions_item_keys)+" properties")
                    try:
                        data__actions_item_is_dict = isinstance(data__actions_item, dict)
                        if data__actions_item_is_dict:
                            data__actions_item__missing_keys = set(['action']) - data__actions_item.keys()
                            if data__actions_item__missing_keys:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must contain ")
                            data__actions_item_keys = set(data__actions_item.keys())
                            if "action" in data__actions_item_keys:
                                data__actions_item_keys.remove("action")
                                data__actions_item__action = data__actions_item["action"]
                                if not (isinstance(data__actions_item__action, str) and data__actions_item__action == 'register'):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}].action".format(**locals()) + " must be one of ['register']")
                    except (JsonSchemaValueException, JsonSchemaValuesException):
                        pass
                    else:
                        data__actions_item_is_dict = isinstance(data__actions_item, dict)
                        if data__actions_item_is_dict:
                            data__actions_item_keys = set(data__actions_item.keys())
                            if "data" in data__actions_item_keys:
                                data__actions_item_keys.remove("data")
                                data__actions_item__data = data__actions_item["data"]
                                validate____defs_register_data(data__actions_item__data, custom_formats, (name_prefix or "data") + ".actions[{data__actions_x}].data".format(**locals()))
        if "state" in data_keys:
            data_keys.remove("state")
            data__state = data["state"]
            if not isinstance(data__state, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".state must be object")
            data__state_is_dict = isinstance(data__state, dict)
            if data__state_is_dict:
                data__state__missing_keys = set(['status', 'unit', 'clocks']) - data__state.keys()
                if data__state__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".state must contain ")
                data__state_keys = set(data__state.keys())
                if "status" in data__state_keys:
                    data__state_keys.remove("status")
                    data__state__status = data__state["status"]
                    if not (isinstance(data__state__status, str) and data__state__status == 'registered' or isinstance(data__state__status, str) and data__state__status == 'transferred' or isinstance(data__state__status, str) and data__state__status == 'handling' or isinstance(data__state__status, str) and data__state__status == 'coordinating' or isinstance(data__state__status, str) and data__state__status == 'joint' or isinstance(data__state__status, str) and data__state__status == 'awaiting_approval' or isinstance(data__state__status, str) and data__state__status == 'at_platform' or isinstance(data__state__status, str) and data__state__status == 'concluded' or isinstance(data__state__status, str) and data__state__status == 'replied' or isinstance(data__state__status, str) and data__state__status == 'handed_over' or isinstance(data__state__status, str) and data__state__status == 'withdrawn' or isinstance(data__state__status, str) and data__state__status == 'archived'):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".state.status must be one of ['registered', 'transferred', 'handling', 'coordinating', 'joint', 'awaiting_approval', 'at_platform', 'concluded', 'replied', 'handed_over', 'withdrawn', 'archived']")
                if "unit" in data__state_keys:
                    data__state_keys.remove("unit")
                    data__state__unit = data__state["unit"]
                    if not isinstance(data__state__unit, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".state.unit must be string")
                if "clocks" in data__state_keys:
                    data__state_keys.remove("clocks")
                    data__state__clocks = data__state["clocks"]
                    if not isinstance(data__state__clocks, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".state.clocks must be array")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

def validate____defs_register_data(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "imported" in data_keys:
            data_keys.remove("imported")
            data__imported = data["imported"]
            if not isinstance(data__imported, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported must be object")
            data__imported_is_dict = isinstance(data__imported, dict)
            if data__imported_is_dict:
                data__imported__missing_keys = set(['source', 'row', 'key', 'stage']) - data__imported.keys()
                if data__imported__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported must contain ")
                data__imported_keys = set(data__imported.keys())
                if "source" in data__imported_keys:
                    data__imported_keys.remove("source")
                    data__imported__source = data__imported["source"]
                    if not isinstance(data__imported__source, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.source must be string")
                    if isinstance(data__imported__source, str):
                        data__imported__source_len = len(data__imported__source)
                        if data__imported__source_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.source must be longer than or equal to 1 characters")
                        if data__imported__source_len > 200:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.source must be shorter than or equal to 200 characters")
                if "row" in data__imported_keys:
                    data__imported_keys.remove("row")
                    data__imported__row = data__imported["row"]
                    if not isinstance(data__imported__row, (int)) and not (isinstance(data__imported__row, float) and data__imported__row.is_integer()) or isinstance(data__imported__row, bool):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.row must be integer")
                    if isinstance(data__imported__row, (int, float, Decimal)) and not isinstance(data__imported__row, bool):
                        if data__imported__row < 2:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.row must be bigger than or equal to 2")
                if "key" in data__imported_keys:
                    data__imported_keys.remove("key")
                    data__imported__key = data__imported["key"]
                    if not isinstance(data__imported__key, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.key must be string")
                    if isinstance(data__imported__key, str):
                        if not REGEX_PATTERNS['^[0-9a-f]{32}$'].search(data__imported__key):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.key must match pattern ^[0-9a-f]{32}$")
                if "ref" in data__imported_keys:
                    data__imported_keys.remove("ref")
                    data__imported__ref = data__imported["ref"]
                    if not isinstance(data__imported__ref, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.ref must be string")
                    if isinstance(data__imported__ref, str):
                        data__imported__ref_len = len(data__imported__ref)
                        if data__imported__ref_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.ref must be longer than or equal to 1 characters")
                        if data__imported__ref_len > 100:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.ref must be shorter than or equal to 100 characters")
                if "stage" in data__imported_keys:
                    data__imported_keys.remove("stage")
                    data__imported__stage = data__imported["stage"]
                    if not (isinstance(data__imported__stage, str) and data__imported__stage == 'registered' or isinstance(data__imported__stage, str) and data__imported__stage == 'transferred' or isinstance(data__imported__stage, str) and data__imported__stage == 'handling' or isinstance(data__imported__stage, str) and data__imported__stage == 'coordinating' or isinstance(data__imported__stage, str) and data__imported__stage == 'concluded' or isinstance(data__imported__stage, str) and data__imported__stage == 'replied'):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.stage must be one of ['registered', 'transferred', 'handling', 'coordinating', 'concluded', 'replied']")
                if "unit" in data__imported_keys:
                    data__imported_keys.remove("unit")
                    data__imported__unit = data__imported["unit"]
                    if not isinstance(data__imported__unit, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.unit must be string")
                    if isinstance(data__imported__unit, str):
                        data__imported__unit_len = len(data__imported__unit)
                        if data__imported__unit_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.unit must be longer than or equal to 1 characters")
                        if data__imported__unit_len > 20:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.unit must be shorter than or equal to 20 characters")
                if "since" in data__imported_keys:
                    data__imported_keys.remove("since")
                    data__imported__since = data__imported["since"]
                    validate____defs_date(data__imported__since, custom_formats, (name_prefix or "data") + ".imported.since")
                if "concluded" in data__imported_keys:
                    data__imported_keys.remove("concluded")
                    data__imported__concluded = data__imported["concluded"]
                    validate____defs_date(data__imported__concluded, custom_formats, (name_prefix or "data") + ".imported.concluded")
                if "reply_method" in data__imported_keys:
                    data__imported_keys.remove("reply_method")
                    data__imported__replymethod = data__imported["reply_method"]
                    if not isinstance(data__imported__replymethod, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.reply_method must be string")
                    if isinstance(data__imported__replymethod, str):
                        data__imported__replymethod_len = len(data__imported__replymethod)
                        if data__imported__replymethod_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.reply_method must be longer than or equal to 1 characters")
                        if data__imported__replymethod_len > 20:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported.reply_method must be shorter than or equal to 20 characters")
                if "reply_date" in data__imported_keys:
                    data__imported_keys.remove("reply_date")
                    data__imported__replydate = data__imported["reply_date"]
                    validate____defs_date(data__imported__replydate, custom_formats, (name_prefix or "data") + ".imported.reply_date")
                if data__imported_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".imported must not contain "+str(data__imported_keys)+" properties")
        if "facts" in data_keys:
            data_keys.remove("facts")
            data__facts = data["facts"]
            validate____defs_text(data__facts, custom_formats, (name_prefix or "data") + ".facts")
        if "basis" in data_keys:
            data_keys.remove("basis")
            data__basis = data["basis"]
            validate____defs_text(data__basis, custom_formats, (name_prefix or "data") + ".basis")
        if "decision" in data_keys:
            data_keys.remove("decision")
            data__decision = data["decision"]
            validate____defs_text(data__decision, custom_formats, (name_prefix or "data") + ".decision")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

def validate____defs_date(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^\\d{4}-\\d{2}-\\d{2}$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^\\d{4}-\\d{2}-\\d{2}$")
    return data

def validate____defs_sha256(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[0-9a-f]{64}$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^[0-9a-f]{64}$")
    return data

def validate____defs_sealed(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        for data_key in data_keys:
            if data_key not in []:
                data_value = data.get(data_key)
                if not isinstance(data_value, (dict)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be object")
                data_value_is_dict = isinstance(data_value, dict)
                if data_value_is_dict:
                    data_value__missing_keys = set(['box']) - data_value.keys()
                    if data_value__missing_keys:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must contain ")
                    data_value_keys = set(data_value.keys())
                    if "box" in data_value_keys:
                        data_value_keys.remove("box")
                        data_value__box = data_value["box"]
                        if not isinstance(data_value__box, (str)):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.box".format(**locals()) + " must be string")
                        if isinstance(data_value__box, str):
                            data_value__box_len = len(data_value__box)
                            if data_value__box_len < 1:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.box".format(**locals()) + " must be longer than or equal to 1 characters")
                            if data_value__box_len > 40000:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.box".format(**locals()) + " must be shorter than or equal to 40000 characters")
                    if "hash" in data_value_keys:
                        data_value_keys.remove("hash")
                        data_value__hash = data_value["hash"]
                        if not isinstance(data_value__hash, (str)):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.hash".format(**locals()) + " must be string")
                        if isinstance(data_value__hash, str):
                            if not REGEX_PATTERNS['^[0-9a-f]{8}:[a-z]{2,10}:[0-9a-f]{32}$'].search(data_value__hash):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.hash".format(**locals()) + " must match pattern ^[0-9a-f]{8}:[a-z]{2,10}:[0-9a-f]{32}$")
                    if data_value_keys:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must not contain "+str(data_value_keys)+" properties")
    return data

def validate____defs_file(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['name', 'sha256']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "name" in data_keys:
            data_keys.remove("name")
            data__name = data["name"]
            if not isinstance(data__name, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".name must be string")
            if isinstance(data__name, str):
                data__name_len = len(data__name)
                if data__name_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".name must be longer than or equal to 1 characters")
                if data__name_len > 200:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".name must be shorter than or equal to 200 characters")
                if not REGEX_PATTERNS['^[^/\\\\\\x00]+$'].search(data__name):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".name must match pattern ^[^/\\\\\\x00]+$")
        if "sha256" in data_keys:
            data_keys.remove("sha256")
            data__sha256 = data["sha256"]
            validate____defs_sha256(data__sha256, custom_formats, (name_prefix or "data") + ".sha256")
        if "path" in data_keys:
            data_keys.remove("path")
            data__path = data["path"]
            if not isinstance(data__path, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".path must be string")
        if "size" in data_keys:
            data_keys.remove("size")
            data__size = data["size"]
            if not isinstance(data__size, (int)) and not (isinstance(data__size, float) and data__size.is_integer()) or isinstance(data__size, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".size must be integer")
            if isinstance(data__size, (int, float, Decimal)) and not isinstance(data__size, bool):
                if data__size < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".size must be bigger than or equal to 0")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

def validate____defs_datetime(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?[+-]\\d{2}:\\d{2}$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?[+-]\\d{2}:\\d{2}$")
    return data

def validate____defs_text(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if isinstance(data, str):
        data_len = len(data)
        if data_len < 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be longer than or equal to 1 characters")
        if data_len > 20000:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be shorter than or equal to 20000 characters")
    return data
