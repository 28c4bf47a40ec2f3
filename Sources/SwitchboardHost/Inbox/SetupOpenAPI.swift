/// The OpenAPI description of the setup walk's routes (`SetupAPI`), merged into the
/// document served at `/api/v1/openapi.json`; `x-minimum-role` comes from the routes'
/// declarations (`APIRouteCatalog`). Plain JSON; edit it directly.
enum SetupOpenAPI {
    static let document = #"""
{
  "components": {
    "schemas": {
      "SetupFAQEntry": {
        "properties": {
          "answer": {
            "type": "string"
          },
          "id": {
            "type": "string"
          },
          "questions": {
            "items": {
              "type": "string"
            },
            "type": "array"
          }
        },
        "required": [
          "questions",
          "answer"
        ],
        "type": "object"
      },
      "SetupProgress": {
        "description": "each step: done, skipped or null (not yet)",
        "properties": {
          "business": {
            "enum": [
              "done",
              "skipped"
            ],
            "nullable": true,
            "type": "string"
          },
          "channel": {
            "enum": [
              "done",
              "skipped"
            ],
            "nullable": true,
            "type": "string"
          },
          "faq": {
            "enum": [
              "done",
              "skipped"
            ],
            "nullable": true,
            "type": "string"
          },
          "handoff": {
            "enum": [
              "done",
              "skipped"
            ],
            "nullable": true,
            "type": "string"
          },
          "team": {
            "enum": [
              "done",
              "skipped"
            ],
            "nullable": true,
            "type": "string"
          }
        },
        "type": "object"
      },
      "SetupState": {
        "additionalProperties": false,
        "properties": {
          "faq": {
            "properties": {
              "entries": {
                "items": {
                  "$ref": "#/components/schemas/SetupFAQEntry"
                },
                "type": "array"
              },
              "from_file": {
                "type": "boolean"
              }
            },
            "type": "object"
          },
          "handoff": {
            "properties": {
              "hours": {
                "nullable": true,
                "type": "string"
              },
              "in_chain": {
                "type": "boolean"
              }
            },
            "type": "object"
          },
          "name": {
            "type": "string"
          },
          "plugins": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "progress": {
            "$ref": "#/components/schemas/SetupProgress"
          },
          "steps": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "timezone": {
            "type": "string"
          },
          "workspace": {
            "type": "string"
          }
        },
        "required": [
          "workspace",
          "name",
          "timezone",
          "faq",
          "handoff",
          "plugins",
          "steps",
          "progress"
        ],
        "type": "object"
      },
      "TryAnswer": {
        "additionalProperties": false,
        "properties": {
          "buttons": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "errors": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "plugin": {
            "nullable": true,
            "type": "string"
          },
          "reason": {
            "nullable": true,
            "type": "string"
          },
          "text": {
            "description": "what the customer would get; null: no answer at all",
            "nullable": true,
            "type": "string"
          },
          "verdict": {
            "enum": [
              "reply",
              "handoff",
              "pass",
              "template"
            ],
            "type": "string"
          }
        },
        "required": [
          "verdict",
          "plugin",
          "text",
          "reason",
          "buttons",
          "errors"
        ],
        "type": "object"
      }
    }
  },
  "paths": {
    "/api/v1/workspace/setup": {
      "get": {
        "operationId": "readSetup",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SetupState"
                }
              }
            },
            "description": "the state"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no file"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "the file cannot be read as YAML"
          }
        },
        "summary": "What the setup walk shows: the business's name and time zone, FAQ entries and handoff hours as the workspace file has them, and each step's progress (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/setup/business": {
      "put": {
        "operationId": "saveSetupBusiness",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "timezone": {
                    "type": "string"
                  }
                },
                "required": [
                  "name",
                  "timezone"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "saved and applied; the step is marked done"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "a field is missing or wrong"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no file"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/ReloadOutcome"
                    },
                    {
                      "$ref": "#/components/schemas/Error"
                    }
                  ]
                }
              }
            },
            "description": "refused; the file and the running config are unchanged"
          }
        },
        "summary": "Set the business's name and IANA time zone in the workspace file and apply it (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/setup/faq": {
      "put": {
        "operationId": "saveSetupFAQ",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "entries": {
                    "items": {
                      "$ref": "#/components/schemas/SetupFAQEntry"
                    },
                    "type": "array"
                  }
                },
                "required": [
                  "entries"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "saved and applied; the step is marked done"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "a field is missing or wrong"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no file"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/ReloadOutcome"
                    },
                    {
                      "$ref": "#/components/schemas/Error"
                    }
                  ]
                }
              }
            },
            "description": "refused; the file and the running config are unchanged"
          }
        },
        "summary": "Replace the faq plugin's entries in the workspace file (the plugin is added first in the chain if absent, removed when no entries are left) and apply it (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/setup/handoff": {
      "put": {
        "operationId": "saveSetupHandoff",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "hours": {
                    "type": "string"
                  }
                },
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReloadOutcome"
                }
              }
            },
            "description": "saved and applied; the step is marked done"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "a field is missing or wrong"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no file"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/ReloadOutcome"
                    },
                    {
                      "$ref": "#/components/schemas/Error"
                    }
                  ]
                }
              }
            },
            "description": "refused; the file and the running config are unchanged"
          }
        },
        "summary": "Set the handoff plugin's opening hours (like \"mon-fri 09:00-17:00, sat 10:00-14:00\"; empty removes them; the plugin is added last if absent) and apply it (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/setup/progress": {
      "post": {
        "operationId": "markSetupStep",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "state": {
                    "enum": [
                      "done",
                      "skipped"
                    ],
                    "type": "string"
                  },
                  "step": {
                    "enum": [
                      "business",
                      "channel",
                      "faq",
                      "handoff",
                      "team"
                    ],
                    "type": "string"
                  }
                },
                "required": [
                  "step",
                  "state"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "additionalProperties": false,
                  "properties": {
                    "progress": {
                      "$ref": "#/components/schemas/SetupProgress"
                    }
                  },
                  "required": [
                    "progress"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "the progress"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "unknown step or state"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          }
        },
        "summary": "Mark a step of the setup walk done or skipped (written to the audit trail) (admins)",
        "tags": [
          "setup"
        ]
      }
    },
    "/api/v1/workspace/try": {
      "post": {
        "operationId": "tryQuestion",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "text": {
                    "type": "string"
                  }
                },
                "required": [
                  "text"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TryAnswer"
                }
              }
            },
            "description": "what the customer would get"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no text"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no valid credential"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "no such workspace in the config"
          },
          "422": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "the config or the chain does not load"
          }
        },
        "summary": "Run the workspace's responder chain, as saved in its file, once on a question (like `switchboard ask`: a chain of its own, state in memory, nothing sent or journalled) and say what a customer would get (admins)",
        "tags": [
          "setup"
        ]
      }
    }
  }
}
"""#
}
